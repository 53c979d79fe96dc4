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
ALTER TABLE "benchmark_items" ADD COLUMN "labels" jsonb;--> statement-breakpoint
ALTER TABLE "pairs" ADD COLUMN "construction" text;--> statement-breakpoint
ALTER TABLE "pairs" ADD COLUMN "prompt_version" text;