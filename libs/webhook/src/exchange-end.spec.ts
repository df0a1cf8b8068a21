import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { onExchangeEnd } from './exchange-end';

/** A response on a connection, as far as onExchangeEnd looks at them. */
function exchangeOn(socket = Object.assign(new EventEmitter(), { destroyed: false })) {
  const res = Object.assign(new EventEmitter(), { req: { socket } });
  return { res, socket, as: res as unknown as ServerResponse };
}

describe('onExchangeEnd', () => {
  it('runs once when the answer is sent, and forgets the connection', () => {
    const { res, socket, as } = exchangeOn();
    const done = jest.fn();
    onExchangeEnd(as, done);
    res.emit('close');
    socket.emit('close');
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('runs when the connection closes though the response never does (an answer queued behind another)', () => {
    const first = exchangeOn();
    const queued = exchangeOn(first.socket);
    const done = [jest.fn(), jest.fn()];
    onExchangeEnd(first.as, done[0]);
    onExchangeEnd(queued.as, done[1]);
    first.socket.emit('close');
    first.res.emit('close');
    expect(done.map((d) => d.mock.calls.length)).toEqual([1, 1]);
  });

  it('holds one listener per connection, however many requests wait on it', () => {
    const { socket } = exchangeOn();
    for (let i = 0; i < 50; i++) onExchangeEnd(exchangeOn(socket).as, () => undefined);
    expect(socket.listenerCount('close')).toBe(1);
  });

  it('runs at once on a connection already gone', () => {
    const done = jest.fn();
    onExchangeEnd(exchangeOn(Object.assign(new EventEmitter(), { destroyed: true })).as, done);
    expect(done).toHaveBeenCalledTimes(1);
  });

  it('runs every callback of one exchange once, on one listener of the response', () => {
    const { res, socket, as } = exchangeOn();
    const done = [jest.fn(), jest.fn(), jest.fn()];
    done.forEach((d) => onExchangeEnd(as, d));
    expect(res.listenerCount('close')).toBe(1);
    res.emit('close');
    socket.emit('close');
    expect(done.map((d) => d.mock.calls.length)).toEqual([1, 1, 1]);
  });
});
