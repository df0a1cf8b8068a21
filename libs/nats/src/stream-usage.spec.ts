import { Gauge } from 'prom-client';
import type { StreamInfo } from 'nats';
import { StreamUsage } from './stream-usage';

const values = async (gauge: Gauge<'resource'>): Promise<Record<string, number>> =>
  Object.fromEntries((await gauge.get()).values.map((v) => [String(v.labels.resource), v.value]));
const info = (config: { max_bytes: number; max_msgs: number }, state: { bytes: number; messages: number }) =>
  ({ config, state }) as unknown as StreamInfo;

describe('StreamUsage', () => {
  const gauge = () => new Gauge({ name: 'usage', help: 'h', labelNames: ['resource'], registers: [] });

  it('exports both resources at 0 before the stream was read', async () => {
    const g = gauge();
    new StreamUsage(g);
    expect(await values(g)).toEqual({ bytes: 0, messages: 0 });
  });

  it('is the use of each limit, and 0 for a limit the stream does not have (-1 or 0)', async () => {
    const g = gauge();
    const usage = new StreamUsage(g);
    usage.record(info({ max_bytes: 1000, max_msgs: 200 }, { bytes: 750, messages: 20 }));
    expect(await values(g)).toEqual({ bytes: 0.75, messages: 0.1 });
    usage.record(info({ max_bytes: -1, max_msgs: 0 }, { bytes: 750, messages: 20 }));
    expect(await values(g)).toEqual({ bytes: 0, messages: 0 });
  });
});
