import type { NatsConnection } from 'nats';
import type { NatsFailureTracker } from './nats-failure.tracker';
import { avoiding, PROBE_MS, SilentServerProbe } from './silent-server.probe';

/** A connection whose PING is answered (`pong`) or never. */
function connection(pong: boolean): NatsConnection {
  return {
    isClosed: () => false,
    getServer: () => '127.0.0.1:4223',
    flush: () => (pong ? Promise.resolve() : new Promise<void>(() => undefined)),
  } as unknown as NatsConnection;
}

describe('SilentServerProbe', () => {
  const failures = { fail: jest.fn() } as unknown as NatsFailureTracker;

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('replaces the connection, naming the server, when the PING after a lost ack gets no PONG', async () => {
    const replace = jest.fn(() => Promise.resolve());
    const probe = new SilentServerProbe(connection(false), failures, replace);
    probe.ackTimedOut();
    probe.ackTimedOut(); // one probe at a time
    await jest.advanceTimersByTimeAsync(PROBE_MS - 1);
    expect(replace).not.toHaveBeenCalled();
    // The deadline, then the event loop's next look at the sockets (an immediate).
    await jest.advanceTimersByTimeAsync(1);
    await jest.runOnlyPendingTimersAsync();
    expect(replace.mock.calls).toEqual([['127.0.0.1:4223']]);
  });

  it('leaves a server that answers alone (JetStream slow, not the server gone)', async () => {
    const replace = jest.fn(() => Promise.resolve());
    new SilentServerProbe(connection(true), failures, replace).ackTimedOut();
    await jest.advanceTimersByTimeAsync(PROBE_MS);
    expect(replace).not.toHaveBeenCalled();
  });
});

describe('avoiding', () => {
  const options = { servers: ['nats://a:4222', 'nats://127.0.0.1:4223', 'tls://c'], name: 'gw' };

  it('tries every other server first and the silent one last, in that order', () => {
    const next = avoiding(options, '127.0.0.1:4223');
    expect(next).toMatchObject({ name: 'gw', noRandomize: true });
    expect((next.servers as string[]).slice(-1)).toEqual(['nats://127.0.0.1:4223']);
    expect([...(next.servers as string[])].sort()).toEqual([...options.servers].sort());
    expect((avoiding(options, 'c:4222').servers as string[]).at(-1)).toBe('tls://c');
  });

  it('changes nothing without a silent server, or with a single server', () => {
    expect(avoiding(options, undefined)).toBe(options);
    const single = { servers: ['nats://a:4222'] };
    expect(avoiding(single, 'a:4222')).toBe(single);
  });
});
