ALTER TABLE "iterations" ADD COLUMN "judgments_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "correct_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "incorrect_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "unparseable_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "ties_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "selected_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "selected_a_wins_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "selected_b_wins_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "pair_orders_without_correct_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "pairs_without_correct_count" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "judgment_prompt_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "iterations" ADD COLUMN "judgment_completion_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: the counters of iterations judged before this migration, from their judgments, with
-- the definitions of judgmentsRepo.recountIteration (the scan the counters must always equal).
UPDATE "iterations" AS it SET
  "judgments_count" = c.judgments,
  "correct_count" = c.correct,
  "incorrect_count" = c.incorrect,
  "unparseable_count" = c.unparseable,
  "ties_count" = c.ties,
  "selected_count" = c.selected,
  "selected_a_wins_count" = c.selected_a,
  "selected_b_wins_count" = c.selected_b,
  "pair_orders_without_correct_count" = c.orders_without,
  "pairs_without_correct_count" = c.pairs_without,
  "judgment_prompt_tokens" = c.prompt_tokens,
  "judgment_completion_tokens" = c.completion_tokens
FROM (
  WITH per_item AS (
    SELECT iteration_id, pair_id,
           count(*) AS n,
           count(*) FILTER (WHERE correct) AS correct,
           count(*) FILTER (WHERE NOT correct AND verdict IN ('A', 'B')) AS incorrect,
           count(*) FILTER (WHERE verdict = 'UNPARSEABLE') AS unparseable,
           count(*) FILTER (WHERE verdict = 'TIE') AS ties,
           count(*) FILTER (WHERE selected) AS selected,
           count(*) FILTER (WHERE selected AND verdict = 'A') AS selected_a,
           count(*) FILTER (WHERE selected AND verdict = 'B') AS selected_b,
           sum(prompt_tokens) AS prompt_tokens,
           sum(completion_tokens) AS completion_tokens
    FROM "judgments" GROUP BY iteration_id, pair_id, "order"
  ), per_pair AS (
    SELECT iteration_id, max(correct) AS correct FROM per_item GROUP BY iteration_id, pair_id
  ), pairs_without AS (
    SELECT iteration_id, count(*) AS n FROM per_pair WHERE correct = 0 GROUP BY iteration_id
  )
  SELECT p.iteration_id,
         sum(p.n) AS judgments,
         sum(p.correct) AS correct,
         sum(p.incorrect) AS incorrect,
         sum(p.unparseable) AS unparseable,
         sum(p.ties) AS ties,
         sum(p.selected) AS selected,
         sum(p.selected_a) AS selected_a,
         sum(p.selected_b) AS selected_b,
         count(*) FILTER (WHERE p.correct = 0) AS orders_without,
         coalesce(max(w.n), 0) AS pairs_without,
         sum(p.prompt_tokens) AS prompt_tokens,
         sum(p.completion_tokens) AS completion_tokens
  FROM per_item p LEFT JOIN pairs_without w ON w.iteration_id = p.iteration_id
  GROUP BY p.iteration_id
) AS c
WHERE it.id = c.iteration_id;
