import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Per connection, what waits for it to close: one socket listener, however many requests wait. */
const waiting = new WeakMap<Socket, Set<() => void>>();

function onSocketClose(socket: Socket, callback: () => void): () => void {
  let callbacks = waiting.get(socket);
  if (!callbacks) {
    const set = (callbacks = new Set());
    waiting.set(socket, set);
    socket.once('close', () => {
      waiting.delete(socket);
      for (const waiter of set) waiter();
    });
  }
  callbacks.add(callback);
  return () => void callbacks.delete(callback);
}

/**
 * Calls `done` once, when the exchange of `res` is over: its answer sent (the response's
 * 'close'), or its connection gone. Node emits no 'close' for a response queued behind an
 * unanswered one (HTTP/1.1 pipelining) when the connection dies, so whatever a request holds (a
 * share of the body memory budget, its source's in-flight slot) is given back on the socket's
 * 'close' too; on a connection already gone, at once.
 */
export function onExchangeEnd(res: ServerResponse, done: () => void): void {
  const socket = res.req.socket;
  if (socket.destroyed) return done();
  let forget: () => void = () => undefined;
  const end = () => {
    res.off('close', end);
    forget();
    done();
  };
  forget = onSocketClose(socket, end);
  res.once('close', end);
}
