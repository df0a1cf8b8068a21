import { connect, type NatsConnection } from 'nats';
import { TestGateway } from './support/gateway';
import { TestNatsServer } from './support/nats-server';
import { sendSigned, tradingViewAlert } from './support/signing';

const STREAM = 'e2e-stream-usage';
const MAX_BYTES = 64 * 1024;

/** The gauge's values on a scrape of the running gateway, by resource. */
async function usage(gateway: TestGateway): Promise<Record<string, number>> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  const found = [...text.matchAll(/^gateway_stream_usage_ratio\{resource="(\w+)"\} (\S+)$/gm)];
  return Object.fromEntries(found.map(([, resource, value]) => [resource, Number(value)]));
}

// gateway_stream_usage_ratio (contract 7.2): the provisioned stream's use of its limits, as a real
// stream reports it; a limit the stream does not have reads 0.
describe('gateway_stream_usage_ratio', () => {
  let nats: TestNatsServer;
  let gateway: TestGateway;
  let admin: NatsConnection;

  beforeAll(async () => {
    nats = await new TestNatsServer().start();
    gateway = await new TestGateway({
      NATS_URL: nats.url,
      NATS_STREAM: STREAM,
      NATS_STREAM_MAX_BYTES: `${MAX_BYTES}`,
    }).start();
    admin = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await admin?.close();
    await gateway?.stop();
    await nats?.dispose();
  });

  it('exports both resources from the start, then the stream bytes over its max_bytes', async () => {
    expect(Object.keys(await usage(gateway)).sort()).toEqual(['bytes', 'messages']);
    for (let i = 0; i < 20; i++)
      expect((await sendSigned(gateway.url, 'tradingview', tradingViewAlert())).status).toBe(202);
    const { state, config } = await (await admin.jetstreamManager()).streams.info(STREAM);
    expect(config.max_bytes).toBe(MAX_BYTES);
    // The gateway reads the stream at its periodic check (every 5 s while ready).
    await gateway.until(
      async () => (await usage(gateway)).bytes === state.bytes / MAX_BYTES,
      'the next check',
      15_000,
    );
    expect(state.bytes).toBeGreaterThan(0);
    // No max_msgs on the provisioned stream: its ratio is 0, not a division by -1.
    expect(config.max_msgs).toBe(-1);
    expect((await usage(gateway)).messages).toBe(0);
  });
});
