ALTER TABLE "pairs" ADD COLUMN "construction" text;--> statement-breakpoint
ALTER TABLE "pairs" ADD COLUMN "prompt_version" text;