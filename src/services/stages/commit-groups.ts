/**
 * The batch commits of one stage in this process, as groups (group commit). Every batch of a stage
 * updates the same rows (the stage's counts; for judgments, the iteration's seqs and counters), so
 * its commits take turns on them: at most COMMITS_PER_STAGE transactions of a stage run at once,
 * one holding those rows and one ready to take them the moment it commits. Batches that become
 * ready while both turns are taken wait, and the next turn commits all of them (of one epoch, up
 * to MAX_GROUP) in one transaction: one wait for the rows, one update of the stage's counts, one
 * COMMIT for the lot. A stage whose batches finish faster than they could commit one by one (a
 * fast endpoint, large `n`) so commits in fewer, larger transactions instead of queueing ever
 * longer; under light load each batch commits alone, as before.
 */
const COMMITS_PER_STAGE = 2;
/** Batches one transaction commits at most. */
export const MAX_GROUP = 16;

type Waiting<E, R> = { entry: E; resolve: (result: R) => void; reject: (error: unknown) => void };

export class CommitGroups<E extends { epoch: number }, R> {
  private readonly stages = new Map<number, { running: number; waiting: Waiting<E, R>[] }>();

  /**
   * `commit(stageId, entries)` writes the entries (all of one epoch) in one transaction and returns
   * one result per entry, in order. Should it throw for a group of several, each entry is committed
   * again on its own, so that one batch that cannot be written fails only its own job.
   */
  constructor(private readonly commit: (stageId: number, entries: E[]) => Promise<R[]>) {}

  /** Commits `entry` (a batch of the stage) in the next group of its epoch; resolves with its result. */
  run(stageId: number, entry: E): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let stage = this.stages.get(stageId);
      if (!stage) this.stages.set(stageId, (stage = { running: 0, waiting: [] }));
      stage.waiting.push({ entry, resolve, reject });
      this.next(stageId, stage);
    });
  }

  /** Starts groups while turns are free: the oldest waiting batch, with the others of its epoch. */
  private next(stageId: number, stage: { running: number; waiting: Waiting<E, R>[] }): void {
    while (stage.running < COMMITS_PER_STAGE && stage.waiting.length > 0) {
      const epoch = stage.waiting[0]!.entry.epoch;
      const group: Waiting<E, R>[] = [];
      const rest: Waiting<E, R>[] = [];
      for (const w of stage.waiting) (w.entry.epoch === epoch && group.length < MAX_GROUP ? group : rest).push(w);
      stage.waiting = rest;
      stage.running += 1;
      void this.commitGroup(stageId, group).finally(() => {
        stage.running -= 1;
        if (stage.running === 0 && stage.waiting.length === 0) this.stages.delete(stageId);
        else this.next(stageId, stage);
      });
    }
  }

  private async commitGroup(stageId: number, group: Waiting<E, R>[]): Promise<void> {
    try {
      const results = await this.commit(stageId, group.map((w) => w.entry));
      group.forEach((w, i) => w.resolve(results[i]!));
      return;
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
    }
    // One of them may be what failed: each alone, in order, so the others are written.
    for (const w of group) {
      try {
        w.resolve((await this.commit(stageId, [w.entry]))[0]!);
      } catch (error) {
        w.reject(error);
      }
    }
  }
}
