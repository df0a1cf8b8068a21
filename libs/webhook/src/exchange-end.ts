import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Per connection, what waits for it to close: one socket listener, however many requests wait. */
const waitingOnSocket = new WeakMap<Socket, Set<() => void>>();
/** Per response, what its end runs: one 'close' listener, however many steps hold something. */
const waitingOnExchange = new WeakMap<ServerResponse, (() => void)[]>();

function onSocketClose(socket: Socket, callback: () => void): () => void {
  let callbacks = waitingOnSocket.get(socket);
  if (!callbacks) {
    const set = (callbacks = new Set());
    waitingOnSocket.set(socket, set);
    socket.once('close', () => {
      waitingOnSocket.delete(socket);
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
 * 'close' too; on a connection already gone, at once. The callbacks of one exchange share one
 * listener on the response and one entry on its connection.
 */
export function onExchangeEnd(res: ServerResponse, done: () => void): void {
  const socket = res.req.socket;
  if (socket.destroyed) return done();
  const callbacks = waitingOnExchange.get(res);
  if (callbacks) return void callbacks.push(done);
  const ending = [done];
  waitingOnExchange.set(res, ending);
  let forget: () => void = () => undefined;
  const end = () => {
    res.off('close', end);
    forget();
    waitingOnExchange.delete(res);
    for (const callback of ending) callback();
  };
  forget = onSocketClose(socket, end);
  res.once('close', end);
}
