/**
 * Subscriptions that survive a dropped connection. graphql-ws's own retry would resubscribe
 * with the variables of the first call; resuming a judgment stream needs the cursor of the last
 * judgment seen, so the CLI resubscribes itself, recomputing the variables each time.
 */
import { JudgmentAddedDocument } from '../../generated/cli-operations.js';
import type { JudgmentAddedSubscription, TypedDocumentString } from '../../generated/cli-operations.js';
import type { ApiClient } from './client.js';
import { SubscriptionError } from './client.js';

export type FollowOptions<T, V> = {
  document: TypedDocumentString<T, V>;
  /** Variables of each (re)subscription: read at the time it is made. */
  variables: () => V;
  onData(data: T): void;
  /** A transient failure: the subscription is made again after `delayMs`. */
  onRetry?(attempt: number, delayMs: number, error: SubscriptionError): void;
  /** A failure that retrying cannot fix (bad id, refused token): the follow has stopped. */
  onFatal(error: SubscriptionError): void;
  /** For a stream that ends (a stage's log once the stage has ended): called at its end, and the follow stops. Without it, an end is a drop and the subscription is made again. */
  onComplete?(): void;
};

export type Follow = { stop(): void };

/** Jittered exponential backoff from 250 ms up to 5 s. */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000, 250 * 2 ** Math.min(attempt - 1, 5));
  return Math.round(base / 2 + (random() * base) / 2);
}

/** Subscribes, and subscribes again after every transient failure or unexpected end, until stopped. */
export function follow<T, V>(api: ApiClient, options: FollowOptions<T, V>): Follow {
  let stopped = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void) | undefined;

  const retry = (error: SubscriptionError) => {
    if (stopped) return;
    attempt += 1;
    const delay = retryDelay(attempt);
    options.onRetry?.(attempt, delay, error);
    timer = setTimeout(start, delay);
  };
  function start(): void {
    if (stopped) return;
    unsubscribe = api.subscribe(options.document, options.variables(), {
      next: (data) => {
        attempt = 0;
        options.onData(data);
      },
      error: (error) => {
        if (error.transient) {
          retry(error);
        } else {
          stopped = true;
          options.onFatal(error);
        }
      },
      complete: () => {
        if (options.onComplete && !stopped) {
          stopped = true;
          options.onComplete();
          return;
        }
        // The server does not end the other streams on its own: an end is a restart or a drop.
        retry(new SubscriptionError('the server ended the subscription', true));
      },
    });
  }
  start();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      unsubscribe?.();
    },
  };
}

/** A judgment as `ste watch` counts it (the JudgmentAdded subscription: no reasoning, see there). */
export type JudgmentEvent = JudgmentAddedSubscription['judgmentAdded'];

/**
 * Every judgment of an iteration after `afterSeq`, exactly once and in seq order, across dropped
 * connections: each resubscription asks for what follows the last seq delivered, and anything
 * at or below it (a replay racing the drop) is skipped.
 */
export function followJudgments(
  api: ApiClient,
  iterationId: string,
  afterSeq: number,
  handlers: Pick<FollowOptions<unknown, unknown>, 'onRetry' | 'onFatal'> & { onJudgment(judgment: JudgmentEvent): void },
): Follow & { lastSeq(): number } {
  let lastSeq = afterSeq;
  const inner = follow(api, {
    document: JudgmentAddedDocument,
    variables: () => ({ iterationId, afterSeq: lastSeq }),
    onData: ({ judgmentAdded: judgment }) => {
      if (judgment.seq <= lastSeq) return;
      lastSeq = judgment.seq;
      handlers.onJudgment(judgment);
    },
    onRetry: handlers.onRetry,
    onFatal: handlers.onFatal,
  });
  return { stop: inner.stop, lastSeq: () => lastSeq };
}
