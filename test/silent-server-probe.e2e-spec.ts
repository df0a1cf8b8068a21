import { connect, type NatsConnection } from 'nats';
import type { NatsFailureTracker } from '../libs/nats/src/nats-failure.tracker';
import { PROBE_MS, SilentServerProbe } from '../libs/nats/src/silent-server.probe';
import { TestNatsServer } from './support/nats-server';

// The probe against a real server, whose PONG travels through a real socket: a process that
// stalls right after the PING (a long GC pause, a saturated machine) wakes with its deadline
// passed and the PONG, which came in time, still unread.
describe('the silent-server probe', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  const failures = { fail: jest.fn() } as unknown as NatsFailureTracker;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    nc = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    nats?.resume();
    await nc?.close().catch(() => undefined);
    await nats?.dispose();
  });

  it('does not take a server that answered for silent when the process stalled past the deadline', async () => {
    const replace = jest.fn(() => Promise.resolve());
    new SilentServerProbe(nc, failures, replace).ackTimedOut();
    const end = Date.now() + PROBE_MS + 300;
    while (Date.now() < end); // the event loop stalls
    await new Promise((r) => setTimeout(r, 200));
    expect(replace).not.toHaveBeenCalled();
  });

  it('takes a server that does not answer (stopped) for silent', async () => {
    const replace = jest.fn(() => Promise.resolve());
    await nats.pause();
    new SilentServerProbe(nc, failures, replace).ackTimedOut();
    await new Promise((r) => setTimeout(r, PROBE_MS + 300));
    nats.resume();
    expect(replace).toHaveBeenCalledTimes(1);
  });
});
