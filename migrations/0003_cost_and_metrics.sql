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
ALTER TABLE "stage_usage" ADD CONSTRAINT "stage_usage_stage_id_stages_id_fk" FOREIGN KEY ("stage_id") REFERENCES "public"."stages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stage_usage_key" ON "stage_usage" USING btree ("stage_id","endpoint","model","execution");