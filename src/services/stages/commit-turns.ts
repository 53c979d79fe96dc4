/**
 * Commits of one stage this process runs at once: one holding the rows every batch updates, one
 * ready to take them the moment it commits. More would only wait in PostgreSQL, each holding a
 * pooled connection that the next batches need for their reads.
 */
const COMMITS_PER_STAGE = 2;

/** The turns a process's batch commits take per stage (see `run`). */
export class CommitTurns {
  private readonly turns = new Map<number, { running: number; waiting: (() => void)[] }>();

  /**
   * Runs `fn` (a batch commit of the stage) once fewer than COMMITS_PER_STAGE of this process's
   * commits of the stage are under way, first come first served. A stage's commits queue for the
   * same rows anyway; queued here, a batch holds no pooled connection and wakes no backend.
   */
  async run<T>(stageId: number, fn: () => Promise<T>): Promise<T> {
    let turns = this.turns.get(stageId);
    if (!turns) this.turns.set(stageId, (turns = { running: 0, waiting: [] }));
    if (turns.running < COMMITS_PER_STAGE) turns.running += 1;
    else await new Promise<void>((resolve) => turns.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = turns.waiting.shift();
      if (next) next(); // the turn passes on
      else if (--turns.running === 0) this.turns.delete(stageId);
    }
  }
}
