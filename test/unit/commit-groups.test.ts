/**
 * CommitGroups: a stage's batch commits take two turns; batches that become ready while both are
 * taken commit together in the next one (one transaction), by epoch, at most MAX_GROUP; a group
 * that fails is committed again one batch at a time, so only the batch that cannot be written fails.
 */
import { describe, expect, it } from 'vitest';
import { CommitGroups, MAX_GROUP } from '../../src/services/stages/commit-groups.js';

type Entry = { epoch: number; name: string; bad?: boolean };

/** A commit function whose transactions end when the test says so; records each group's names. */
function recorder() {
  const groups: string[][] = [];
  const open: (() => void)[] = [];
  const commits = new CommitGroups<Entry, string>(async (_stageId, entries) => {
    groups.push(entries.map((e) => e.name));
    await new Promise<void>((resolve) => open.push(resolve));
    if (entries.some((e) => e.bad)) throw new Error(`cannot write ${entries.map((e) => e.name).join('+')}`);
    return entries.map((e) => `stored ${e.name}`);
  });
  /** Ends the oldest open transaction and lets the next groups start. */
  const finishOne = async () => {
    open.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { groups, commits, finishOne, open };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('CommitGroups', () => {
  it('commits alone while a turn is free, then groups the batches that waited', async () => {
    const { groups, commits, finishOne } = recorder();
    const results = ['a', 'b', 'c', 'd', 'e'].map((name) => commits.run(1, { epoch: 0, name }));
    await tick();
    // a and b took the two turns; c, d and e wait
    expect(groups).toEqual([['a'], ['b']]);
    await finishOne();
    expect(groups).toEqual([['a'], ['b'], ['c', 'd', 'e']]);
    await finishOne();
    await finishOne();
    expect(await Promise.all(results)).toEqual(['stored a', 'stored b', 'stored c', 'stored d', 'stored e']);
    expect(groups).toHaveLength(3);
  });

  it('keeps stages apart and never groups batches of different epochs', async () => {
    const { groups, commits, finishOne, open } = recorder();
    const results = [
      commits.run(1, { epoch: 0, name: 'a' }),
      commits.run(1, { epoch: 0, name: 'b' }),
      commits.run(2, { epoch: 0, name: 'other stage' }),
      commits.run(1, { epoch: 0, name: 'c' }),
      commits.run(1, { epoch: 1, name: 'new epoch' }),
      commits.run(1, { epoch: 0, name: 'd' }),
    ];
    await tick();
    expect(groups).toEqual([['a'], ['b'], ['other stage']]);
    await finishOne(); // a
    expect(groups.at(-1)).toEqual(['c', 'd']);
    while (open.length > 0) await finishOne();
    expect(groups).toEqual([['a'], ['b'], ['other stage'], ['c', 'd'], ['new epoch']]);
    expect(await Promise.all(results)).toEqual(['stored a', 'stored b', 'stored other stage', 'stored c', 'stored new epoch', 'stored d']);
  });

  it(`puts at most ${MAX_GROUP} batches in one transaction`, async () => {
    const { groups, commits, open, finishOne } = recorder();
    const results = Array.from({ length: 2 + MAX_GROUP + 3 }, (_, i) => commits.run(1, { epoch: 0, name: String(i) }));
    await tick();
    await finishOne();
    await finishOne();
    expect(groups.map((g) => g.length)).toEqual([1, 1, MAX_GROUP, 3]);
    while (open.length > 0) await finishOne();
    expect(await Promise.all(results)).toHaveLength(2 + MAX_GROUP + 3);
  });

  it('commits a failed group again batch by batch: only the batch that cannot be written fails', async () => {
    const { groups, commits, open, finishOne } = recorder();
    const results = ['a', 'b', 'c', 'bad', 'e'].map((name) => commits.run(1, { epoch: 0, name, bad: name === 'bad' }).catch((error: Error) => error.message));
    await tick();
    while (open.length > 0) await finishOne();
    expect(groups).toEqual([['a'], ['b'], ['c', 'bad', 'e'], ['c'], ['bad'], ['e']]);
    expect(await Promise.all(results)).toEqual(['stored a', 'stored b', 'stored c', 'cannot write bad', 'stored e']);
  });
});
