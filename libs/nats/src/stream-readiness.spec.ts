import type { KV, NatsConnection } from 'nats';
import type { NatsFailureTracker } from './nats-failure.tracker';
import type { StreamProvisioner } from './stream.provisioner';
import { type ConnectionView, StreamReadiness } from './stream-readiness';

const nc = { isClosed: () => false } as unknown as NatsConnection;
const bucket = {} as KV;
const connected: ConnectionView = { current: () => nc, connected: () => true, stopping: () => false };
const failures = { fail: jest.fn(), recovered: jest.fn() } as unknown as NatsFailureTracker;

/** A provisioner whose every look at the stream waits until the test lets it answer. */
function heldProvisioner() {
  const answers: Array<() => void> = [];
  const provision = jest.fn(() => new Promise<KV>((resolve) => answers.push(() => resolve(bucket))));
  const answerNext = async () => {
    answers.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { provisioner: { provision } as unknown as StreamProvisioner, provision, answerNext };
}

describe('StreamReadiness', () => {
  it('looks again when a write finds the stream gone while a look is under way', async () => {
    const { provisioner, provision, answerNext } = heldProvisioner();
    const readiness = new StreamReadiness(provisioner, failures, connected, () => undefined);
    void readiness.provision(nc); // at connect: the stream is there when it looks...
    void readiness.provision(nc); // ...and deleted before the answer comes back
    await answerNext();
    // What the first look found predates the deletion: not taken for ready.
    expect(readiness.ready).toBe(false);
    expect(provision).toHaveBeenCalledTimes(2);
    await answerNext();
    expect(readiness.ready).toBe(true);
  });

  it('never lets a trigger join a run that has already ended (ready would never come back)', async () => {
    const provision = jest.fn(() => Promise.resolve(bucket));
    const provisioner = { provision } as unknown as StreamProvisioner;
    let triggered = false;
    const readiness: StreamReadiness = new StreamReadiness(provisioner, failures, connected, () => {
      // A write that fails "stream gone" in the same turn as readiness comes back: its handler
      // runs as a microtask, after ready is set and before the run's own clean-up.
      if (readiness.ready && !triggered) {
        triggered = true;
        queueMicrotask(() => void readiness.provision(nc));
      }
    });
    await readiness.provision(nc);
    await new Promise((r) => setImmediate(r));
    expect(provision).toHaveBeenCalledTimes(2);
    expect(readiness.ready).toBe(true);
  });
});
