import type { UsageSnapshot, UsageTotals } from './types.js';

/** Mutable per-tag-combination counters; `chat()` looks one up once per call and bumps it. */
export type UsageEntry = UsageTotals & { readonly tags: Record<string, string> };

const emptyTotals = (): UsageTotals => ({
  calls: 0,
  failedCalls: 0,
  requests: 0,
  attempts: 0,
  promptTokens: 0,
  completionTokens: 0,
});

function addInto(into: UsageTotals, from: Partial<UsageTotals>): void {
  if (from.calls) into.calls += from.calls;
  if (from.failedCalls) into.failedCalls += from.failedCalls;
  if (from.requests) into.requests += from.requests;
  if (from.attempts) into.attempts += from.attempts;
  if (from.promptTokens) into.promptTokens += from.promptTokens;
  if (from.completionTokens) into.completionTokens += from.completionTokens;
}

/**
 * Key of a tag combination: sorted `key\u0001value` pairs joined by `\u0002`, so `{a, b}` and
 * `{b, a}` share an entry without a JSON round trip.
 */
export function tagKey(tags: Record<string, string> | undefined): string {
  if (!tags) return '';
  const keys = Object.keys(tags);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let key = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    key += (i ? '\u0002' : '') + k + '\u0001' + tags[k];
  }
  return key;
}

export class UsageTracker {
  private readonly entries = new Map<string, UsageEntry>();
  private readonly total: UsageTotals = emptyTotals();

  entry(tags: Record<string, string> | undefined): UsageEntry {
    const key = tagKey(tags);
    let e = this.entries.get(key);
    if (!e) {
      e = { ...emptyTotals(), tags: tags ? { ...tags } : {} };
      this.entries.set(key, e);
    }
    return e;
  }

  add(entry: UsageEntry, delta: Partial<UsageTotals>): void {
    addInto(entry, delta);
    addInto(this.total, delta);
  }

  snapshot(): UsageSnapshot {
    const byTags: UsageSnapshot['byTags'] = [];
    for (const e of this.entries.values()) byTags.push({ ...e, tags: { ...e.tags } });
    return { total: { ...this.total }, byTags };
  }
}
