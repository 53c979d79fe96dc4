/**
 * In-process fan-out of pipeline events received through LISTEN. Subscribers are plain callbacks;
 * the GraphQL layer adapts them into async iterators.
 */
import { EventEmitter } from 'node:events';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import { EVENTS_CHANNEL } from '../domain/events.js';
import type { EventMessage, EventName, PipelineEvents } from '../domain/events.js';

export type EventBus = {
  on<K extends EventName>(type: K, listener: (data: PipelineEvents[K]) => void): () => void;
  /** Called after the listener connection was re-established: events may have been missed. */
  onReconnect(listener: () => void): () => void;
  stop(): Promise<void>;
};

export async function startEventBus(database: Database, logger: Logger): Promise<EventBus> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const unlisten = await database.listen(
    EVENTS_CHANNEL,
    (payload) => {
      let message: EventMessage;
      try {
        message = JSON.parse(payload) as EventMessage;
      } catch (error) {
        logger.warn({ err: error }, 'ignoring an event that is not JSON');
        return;
      }
      emitter.emit(message.type, message.data);
    },
    () => {
      logger.info('event listener reconnected');
      emitter.emit('reconnect');
    },
  );
  return {
    on(type, listener) {
      emitter.on(type, listener);
      return () => emitter.off(type, listener);
    },
    onReconnect(listener) {
      emitter.on('reconnect', listener);
      return () => emitter.off('reconnect', listener);
    },
    async stop() {
      emitter.removeAllListeners();
      await unlisten();
    },
  };
}
