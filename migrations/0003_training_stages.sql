ALTER TABLE "training_jobs" DROP CONSTRAINT "training_jobs_iteration_key";--> statement-breakpoint
ALTER TABLE "training_jobs" ADD COLUMN "stage_index" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "training_jobs_iteration_stage_key" ON "training_jobs" USING btree ("iteration_id","stage_index");