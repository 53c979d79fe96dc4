// The graphql-ws protocol ("graphql-transport-ws") over the browser's WebSocket: connection_init
// -> connection_ack, then subscribe / next / error / complete per operation id, pong to ping.
// After a drop it reconnects with backoff and subscribes again, asking each subscription for its
// variables anew, so a judgment stream resumes after the last seq it delivered.

import { authFailed, GRAPHQL_URL, token } from './api.js';

const WS_URL = GRAPHQL_URL.replace(/^http/, 'ws');
const AUTH_CLOSE_CODES = new Set([4401, 4403]);

export class LiveSocket {
  constructor() {
    this.subs = new Map(); // id -> { query, variables: () => object, next, error, complete }
    this.nextId = 1;
    this.socket = null;
    this.acked = false;
    this.attempt = 0;
    this.timer = null;
    this.statusListeners = new Set();
    this.status = 'idle';
  }

  /** listener('connecting' | 'live' | 'reconnecting' | 'idle') */
  onStatus(listener) {
    this.statusListeners.add(listener);
    listener(this.status);
  }

  /**
   * Starts a subscription, one of the documents of operations.generated.js; `variables` is asked
   * again on every (re)subscribe. Returns the function that stops it.
   * @template TResult, TVariables
   * @param {import('./operations.generated.js').Document<TResult, TVariables>} query
   * @param {() => TVariables} variables
   * @param {{ next: (data: TResult) => void, error?: (message: string) => void, complete?: () => void }} handlers
   * @returns {() => void}
   */
  subscribe(query, variables, handlers) {
    const id = String(this.nextId++);
    this.subs.set(id, { query, variables, ...handlers });
    if (this.acked) this.send({ id, type: 'subscribe', payload: { query, variables: variables() } });
    else this.connect();
    return () => {
      if (!this.subs.delete(id)) return;
      if (this.acked) this.send({ id, type: 'complete' });
      if (this.subs.size === 0) this.close();
    };
  }

  /** Drops the connection and opens a new one (a new token, or a test of resuming). */
  reconnect() {
    this.socket?.close(4000, 'reconnect');
  }

  close() {
    clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    this.acked = false;
    socket?.close(1000, 'done');
    this.setStatus('idle');
  }

  connect() {
    if (this.socket || this.timer) return;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const socket = new WebSocket(WS_URL, 'graphql-transport-ws');
    this.socket = socket;
    socket.onopen = () => {
      const t = token.get();
      this.send({ type: 'connection_init', payload: t ? { authorization: `Bearer ${t}` } : {} });
    };
    socket.onmessage = (event) => this.receive(JSON.parse(event.data));
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.acked = false;
      if (AUTH_CLOSE_CODES.has(event.code)) {
        this.setStatus('idle');
        authFailed(event.reason || 'The server refused the connection: an API token is needed.');
        return;
      }
      if (this.subs.size === 0) return this.setStatus('idle');
      this.attempt += 1;
      const delay = Math.min(5000, 250 * 2 ** Math.min(this.attempt, 5)) * (0.5 + Math.random() / 2);
      this.setStatus('reconnecting');
      this.timer = setTimeout(() => {
        this.timer = null;
        this.connect();
      }, delay);
    };
  }

  receive(message) {
    const sub = this.subs.get(message.id);
    switch (message.type) {
      case 'connection_ack':
        this.acked = true;
        this.attempt = 0;
        this.setStatus('live');
        for (const [id, s] of this.subs) this.send({ id, type: 'subscribe', payload: { query: s.query, variables: s.variables() } });
        break;
      case 'ping':
        this.send({ type: 'pong' });
        break;
      case 'next':
        if (!sub) break;
        if (message.payload.errors?.length) {
          this.subs.delete(message.id);
          sub.error?.(message.payload.errors[0].message);
        } else {
          sub.next(message.payload.data);
        }
        break;
      case 'error':
        if (!sub) break;
        this.subs.delete(message.id);
        sub.error?.(message.payload?.[0]?.message ?? 'subscription failed');
        break;
      case 'complete':
        if (!sub) break;
        // A stream that ends (a stage's log once the stage has ended) says so with a `complete` handler;
        // the others do not end on their own, and subscribing again resumes them.
        if (sub.complete) {
          this.subs.delete(message.id);
          sub.complete();
        } else if (this.acked) {
          this.send({ id: message.id, type: 'subscribe', payload: { query: sub.query, variables: sub.variables() } });
        }
        break;
    }
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  setStatus(status) {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }
}

/** One socket for the whole page. */
export const live = new LiveSocket();
