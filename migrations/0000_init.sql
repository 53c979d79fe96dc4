CREATE TABLE "benchmark_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "benchmark_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"benchmark_id" bigint NOT NULL,
	"position" integer NOT NULL,
	"subset" text NOT NULL,
	"prompt" text NOT NULL,
	"prompt_hash" text NOT NULL,
	"chosen" text NOT NULL,
	"rejected" text NOT NULL,
	"source_id" text
);
--> statement-breakpoint
CREATE TABLE "benchmarks" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "benchmarks_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"format" text NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "benchmarks_name_key" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "evaluation_verdicts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "evaluation_verdicts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"evaluation_id" bigint NOT NULL,
	"item_id" bigint NOT NULL,
	"order" text NOT NULL,
	"sample" integer NOT NULL,
	"verdict" text NOT NULL,
	"reasoning" text NOT NULL,
	"finish_reason" text,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evaluation_verdicts_order_check" CHECK ("evaluation_verdicts"."order" in ('CHOSEN_FIRST', 'CHOSEN_SECOND')),
	CONSTRAINT "evaluation_verdicts_verdict_check" CHECK ("evaluation_verdicts"."verdict" in ('A', 'B', 'TIE', 'UNPARSEABLE'))
);
--> statement-breakpoint
CREATE TABLE "evaluations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "evaluations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"benchmark_id" bigint NOT NULL,
	"experiment_id" bigint,
	"iteration_id" bigint,
	"judge_model" text NOT NULL,
	"options" jsonb NOT NULL,
	"status" text NOT NULL,
	"results" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "experiments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "experiments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"config" jsonb NOT NULL,
	"loop_target" integer,
	"loop_status" text,
	"loop_error" text,
	"loop_evaluate_on" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instructions" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "instructions_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"experiment_id" bigint NOT NULL,
	"text" text NOT NULL,
	"text_hash" text NOT NULL,
	"category" text,
	"source_id" text,
	"source" text,
	"excluded_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "iterations" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "iterations_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"experiment_id" bigint NOT NULL,
	"index" integer NOT NULL,
	"judge_model" text NOT NULL,
	"trained_model" text,
	"pair_generation" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "judgments" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "judgments_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"iteration_id" bigint NOT NULL,
	"pair_id" bigint NOT NULL,
	"order" text NOT NULL,
	"sample" integer NOT NULL,
	"seq" bigint NOT NULL,
	"reasoning" text NOT NULL,
	"verdict" text NOT NULL,
	"correct" boolean NOT NULL,
	"selected" boolean DEFAULT false NOT NULL,
	"finish_reason" text,
	"model" text NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "judgments_order_check" CHECK ("judgments"."order" in ('CHOSEN_FIRST', 'CHOSEN_SECOND')),
	CONSTRAINT "judgments_verdict_check" CHECK ("judgments"."verdict" in ('A', 'B', 'TIE', 'UNPARSEABLE'))
);
--> statement-breakpoint
CREATE TABLE "pairs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pairs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"experiment_id" bigint NOT NULL,
	"instruction_id" bigint NOT NULL,
	"generation" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"chosen" text,
	"modified_instruction" text,
	"rejected" text,
	"raw_output" text,
	"error" text,
	"attempts" integer DEFAULT 1 NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_failures" (
	"stage_id" bigint NOT NULL,
	"item_key" text NOT NULL,
	"error" text NOT NULL,
	"attempts" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stages" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "stages_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"experiment_id" bigint,
	"iteration_id" bigint,
	"evaluation_id" bigint,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"total" integer DEFAULT 0 NOT NULL,
	"done" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"epoch" integer DEFAULT 0 NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	"message" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_jobs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "training_jobs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"iteration_id" bigint NOT NULL,
	"backend" text NOT NULL,
	"method" text NOT NULL,
	"base_model" text NOT NULL,
	"examples" integer DEFAULT 0 NOT NULL,
	"file_id" text,
	"external_job_id" text,
	"status" text NOT NULL,
	"fine_tuned_model" text,
	"last_event" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_jobs_iteration_key" UNIQUE("iteration_id")
);
--> statement-breakpoint
ALTER TABLE "benchmark_items" ADD CONSTRAINT "benchmark_items_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_verdicts" ADD CONSTRAINT "evaluation_verdicts_evaluation_id_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."evaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluation_verdicts" ADD CONSTRAINT "evaluation_verdicts_item_id_benchmark_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."benchmark_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_iteration_id_iterations_id_fk" FOREIGN KEY ("iteration_id") REFERENCES "public"."iterations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "instructions" ADD CONSTRAINT "instructions_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "iterations" ADD CONSTRAINT "iterations_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judgments" ADD CONSTRAINT "judgments_iteration_id_iterations_id_fk" FOREIGN KEY ("iteration_id") REFERENCES "public"."iterations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "judgments" ADD CONSTRAINT "judgments_pair_id_pairs_id_fk" FOREIGN KEY ("pair_id") REFERENCES "public"."pairs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pairs" ADD CONSTRAINT "pairs_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pairs" ADD CONSTRAINT "pairs_instruction_id_instructions_id_fk" FOREIGN KEY ("instruction_id") REFERENCES "public"."instructions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_failures" ADD CONSTRAINT "stage_failures_stage_id_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stages" ADD CONSTRAINT "stages_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stages" ADD CONSTRAINT "stages_iteration_id_iterations_id_fk" FOREIGN KEY ("iteration_id") REFERENCES "public"."iterations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stages" ADD CONSTRAINT "stages_evaluation_id_evaluations_id_fk" FOREIGN KEY ("evaluation_id") REFERENCES "public"."evaluations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD CONSTRAINT "training_jobs_iteration_id_iterations_id_fk" FOREIGN KEY ("iteration_id") REFERENCES "public"."iterations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "benchmark_items_position_key" ON "benchmark_items" USING btree ("benchmark_id","position");--> statement-breakpoint
CREATE INDEX "benchmark_items_prompt_hash_idx" ON "benchmark_items" USING btree ("prompt_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "evaluation_verdicts_natural_key" ON "evaluation_verdicts" USING btree ("evaluation_id","item_id","order","sample");--> statement-breakpoint
CREATE INDEX "evaluations_benchmark_idx" ON "evaluations" USING btree ("benchmark_id");--> statement-breakpoint
CREATE INDEX "evaluations_experiment_idx" ON "evaluations" USING btree ("experiment_id","iteration_id");--> statement-breakpoint
CREATE INDEX "evaluations_iteration_idx" ON "evaluations" USING btree ("iteration_id");--> statement-breakpoint
CREATE UNIQUE INDEX "instructions_experiment_text_key" ON "instructions" USING btree ("experiment_id","text_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "iterations_experiment_index_key" ON "iterations" USING btree ("experiment_id","index");--> statement-breakpoint
CREATE UNIQUE INDEX "judgments_natural_key" ON "judgments" USING btree ("iteration_id","pair_id","order","sample");--> statement-breakpoint
CREATE UNIQUE INDEX "judgments_iteration_seq_key" ON "judgments" USING btree ("iteration_id","seq");--> statement-breakpoint
CREATE UNIQUE INDEX "pairs_instruction_generation_key" ON "pairs" USING btree ("instruction_id","generation");--> statement-breakpoint
CREATE INDEX "pairs_experiment_status_idx" ON "pairs" USING btree ("experiment_id","generation","status");--> statement-breakpoint
CREATE UNIQUE INDEX "stage_failures_key" ON "stage_failures" USING btree ("stage_id","item_key");--> statement-breakpoint
CREATE INDEX "stages_experiment_idx" ON "stages" USING btree ("experiment_id");--> statement-breakpoint
CREATE INDEX "stages_iteration_idx" ON "stages" USING btree ("iteration_id");--> statement-breakpoint
CREATE INDEX "stages_evaluation_idx" ON "stages" USING btree ("evaluation_id");