/**
 * One real 'abort' listener per caller signal, fanning out to a Set of callbacks.
 *
 * Services pass one stage-wide signal to thousands of concurrent calls. Node's EventTarget checks
 * for duplicates on every addEventListener (O(n) per add, about 1.4 s for 30k listeners on Node 20)
 * and prints MaxListenersExceededWarning; a Set makes subscribe and unsubscribe O(1).
 */
const fanouts = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `callback` once when `signal` aborts; returns the unsubscribe function.
 * The caller checks `signal.aborted` first: an already aborted signal never calls back.
 */
export function onAbort(signal: AbortSignal, callback: () => void): () => void {
  let set = fanouts.get(signal);
  if (!set) {
    const created = new Set<() => void>();
    set = created;
    fanouts.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        fanouts.delete(signal);
        for (const cb of created) cb();
        created.clear();
      },
      { once: true },
    );
  }
  const subscribed = set;
  subscribed.add(callback);
  return () => void subscribed.delete(callback);
}

/** A controller that aborts (with the same reason) when `parent` does; `off()` detaches it. */
export function linkedController(parent: AbortSignal | undefined): { controller: AbortController; off: () => void } {
  const controller = new AbortController();
  if (!parent) return { controller, off: noop };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, off: noop };
  }
  return { controller, off: onAbort(parent, () => controller.abort(parent.reason)) };
}

function noop(): void {}
