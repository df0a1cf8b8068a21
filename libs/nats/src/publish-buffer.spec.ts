import { StoreUnavailableError } from '@gateway/contracts';
import type { Gauge } from 'prom-client';
import type { NatsModuleOptions } from './nats.options';
import { PublishBuffer } from './publish-buffer';

const gauge = { set: () => undefined } as unknown as Gauge;
const buffer = (bufferMaxMessages: number, bufferCriticalReserve?: number) =>
  new PublishBuffer({ bufferMaxMessages, bufferCriticalReserve } as NatsModuleOptions, gauge, gauge);

/** A write that waits for its acknowledgement until `ack()` is called. */
function pendingWrite(): { write: () => Promise<string>; ack: () => void } {
  let ack!: () => void;
  const acked = new Promise<string>((resolve) => (ack = () => resolve('ack')));
  return { write: () => acked, ack };
}

describe('PublishBuffer lanes', () => {
  it('refuses normal writes once only the critical reserve is left, and still takes critical ones', async () => {
    const b = buffer(10, 3);
    const pending = pendingWrite();
    const held = Array.from({ length: 7 }, () => b.hold(pending.write));

    await expect(b.hold(pending.write)).rejects.toBeInstanceOf(StoreUnavailableError);
    const critical = Array.from({ length: 3 }, () => b.hold(pending.write, 'critical'));
    await expect(b.hold(pending.write, 'critical')).rejects.toBeInstanceOf(StoreUnavailableError);

    pending.ack();
    await expect(Promise.all([...held, ...critical])).resolves.toHaveLength(10);
    await expect(b.hold(() => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('keeps no reserve when none is configured: every write may use the whole buffer', async () => {
    const b = buffer(2);
    const pending = pendingWrite();
    const held = [b.hold(pending.write), b.hold(pending.write)];
    await expect(b.hold(pending.write, 'critical')).rejects.toBeInstanceOf(StoreUnavailableError);
    pending.ack();
    await Promise.all(held);
  });
});
