import { Logger } from '@nestjs/common';
import { Counter, Gauge, Registry } from 'prom-client';
import { NatsFailure, serversForLog } from './nats-failure';
import { NatsFailureTracker } from './nats-failure.tracker';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('NatsFailureTracker: one log line per change of cause', () => {
  let tracker: NatsFailureTracker;
  let failing: Gauge<'cause'>;
  let errors: jest.SpyInstance;
  let infos: jest.SpyInstance;

  beforeEach(() => {
    const registers = [new Registry()];
    const total = new Counter({ name: 'f_total', help: 'h', labelNames: ['cause'], registers });
    failing = new Gauge({ name: 'f_failing', help: 'h', labelNames: ['cause'], registers });
    errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    infos = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    tracker = new NatsFailureTracker(total, failing);
  });

  afterEach(() => jest.restoreAllMocks());

  const gauge = async (cause: string) =>
    (await failing.get()).values.find((v) => v.labels.cause === cause)?.value;

  it('logs a cause once however often it repeats, and again when it changes', async () => {
    for (let i = 0; i < 5; i++) tracker.fail(withCode('Authorization Violation', 'AUTHORIZATION_VIOLATION'));
    expect(errors).toHaveBeenCalledTimes(1);
    expect(await gauge('auth_refused')).toBe(1);

    tracker.fail(new NatsFailure('stream_missing', 'stream s does not exist'));
    expect(errors).toHaveBeenCalledTimes(2);
    expect([await gauge('auth_refused'), await gauge('stream_missing')]).toEqual([0, 1]);
    expect(tracker.report.failing).toMatchObject({ cause: 'stream_missing' });
  });

  it('does not let the disconnects and timeouts that follow a refusal replace it', () => {
    tracker.fail(withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'));
    tracker.fail(withCode('CONNECTION_REFUSED', 'CONNECTION_REFUSED'));
    tracker.fail(withCode('TIMEOUT', 'TIMEOUT'));
    expect(errors).toHaveBeenCalledTimes(1);
    expect(tracker.currentCause).toBe('tls');
    expect(tracker.report.last_failure).toMatchObject({ cause: 'jetstream_unavailable' });
  });

  it('names the servers a connection failed to reach, without their credentials', () => {
    tracker.fail(
      withCode('CONNECTION_REFUSED', 'CONNECTION_REFUSED'),
      serversForLog(['nats://gw:s3cret@n1:4222', 'n2:4222']),
    );
    expect(errors).toHaveBeenCalledWith(
      expect.stringMatching(/^NATS unreachable: CONNECTION_REFUSED at nats:\/\/n1:4222, n2:4222 \(retrying/),
    );
    expect(JSON.stringify(errors.mock.calls)).not.toContain('s3cret');
    expect(tracker.report.failing?.message).toBe('CONNECTION_REFUSED at nats://n1:4222, n2:4222');
  });

  it('says when it recovers, and keeps the last failure for /healthz', async () => {
    tracker.fail(withCode('connect ECONNREFUSED', 'ECONNREFUSED'));
    tracker.recovered();
    expect(infos).toHaveBeenCalledWith(expect.stringMatching(/^NATS recovered from unreachable after/));
    expect(tracker.report).toMatchObject({ failing: null, last_failure: { cause: 'unreachable' } });
    expect(await gauge('unreachable')).toBe(0);
  });
});
