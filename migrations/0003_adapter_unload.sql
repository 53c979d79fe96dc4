ALTER TABLE "training_jobs" ADD COLUMN "adapter_endpoint" text;--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "adapter_unloaded_at" timestamp with time zone;