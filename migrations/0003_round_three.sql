CREATE TABLE "provider_batches" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "provider_batches_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"stage_id" bigint NOT NULL,
	"job_key" text NOT NULL,
	"round" integer NOT NULL,
	"part" integer NOT NULL,
	"endpoint" text NOT NULL,
	"lines" integer NOT NULL,
	"input_file_id" text,
	"batch_id" text,
	"status" text NOT NULL,
	"output_file_id" text,
	"error_file_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_usage" (
	"stage_id" bigint NOT NULL,
	"endpoint" text NOT NULL,
	"model" text NOT NULL,
	"execution" text NOT NULL,
	"prompt_tokens" bigint DEFAULT 0 NOT NULL,
	"completion_tokens" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stage_usage_execution_check" CHECK ("stage_usage"."execution" in ('ONLINE', 'BATCH'))
);
--> statement-breakpoint
ALTER TABLE "training_jobs" DROP CONSTRAINT "training_jobs_iteration_key";--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "stage_index" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "adapter_endpoint" text;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "adapter_unloaded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "provider_batches" ADD CONSTRAINT "provider_batches_stage_id_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_usage" ADD CONSTRAINT "stage_usage_stage_id_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "provider_batches_part_key" ON "provider_batches" USING btree ("stage_id","job_key","round","part");--> statement-breakpoint
CREATE UNIQUE INDEX "stage_usage_key" ON "stage_usage" USING btree ("stage_id","endpoint","model","execution");--> statement-breakpoint
CREATE INDEX "instructions_text_search_idx" ON "instructions" USING gin (to_tsvector('english', "text"));--> statement-breakpoint
CREATE INDEX "judgments_selected_idx" ON "judgments" USING btree ("iteration_id") WHERE "judgments"."selected";--> statement-breakpoint
CREATE UNIQUE INDEX "training_jobs_iteration_stage_key" ON "training_jobs" USING btree ("iteration_id","stage_index");