CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"mutation" text NOT NULL,
	"arguments" jsonb NOT NULL,
	"outcome" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stage_log_lines" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "stage_log_lines_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"stage_id" bigint NOT NULL,
	"stream" text NOT NULL,
	"line" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "benchmark_items" ADD COLUMN "labels" jsonb;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN "loop_stop" jsonb;--> statement-breakpoint
ALTER TABLE "pairs" ADD COLUMN "construction" text;--> statement-breakpoint
ALTER TABLE "pairs" ADD COLUMN "prompt_version" text;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "callback_token_hash" text;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "token_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "stage_log_lines" ADD CONSTRAINT "stage_log_lines_stage_id_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "stage_log_lines_stage" ON "stage_log_lines" USING btree ("stage_id","id");