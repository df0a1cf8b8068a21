import { getToken } from '@willsoto/nestjs-prometheus';
import { Global, Injectable, Module, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  EventPublisher,
  type HmacKeys,
  NonceStore,
  type NormalizationResult,
  problem,
  type RequestHead,
  type SignatureVerifier,
  type SignedRequest,
  type SourceAdapter,
  Subjects,
  type Verified,
  WebhookVerifier,
} from '@gateway/contracts';
import { BODY_BYTES_RESERVED, SIGNAL_AGE_SECONDS, WebhookTelemetryMiddleware } from '@gateway/observability';
import { SecurityModule, uniformPolicy } from '@gateway/security';
import { WebhookSource } from '@gateway/sources-core';
import {
  FakePortsModule,
  gatewaySigned,
  type InMemoryEventPublisher,
  type InMemoryNonceStore,
  specSignal,
} from '@gateway/testing';
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IngressModule } from './ingress.module';
import { ProblemFilter } from './problem.filter';

const SECRET = 'spec-secret';

@WebhookSource()
@Injectable()
class BotSource implements SourceAdapter {
  readonly route = 'bot';
  readonly contentTypes = ['application/json'];
  readonly verification = ['hmac'] as const;
  readonly payloadSchema = { type: 'object', required: ['action'] };

  sourceId(): string {
    return 'bot';
  }

  normalize(payload: Record<string, unknown>): NormalizationResult {
    return { ok: true, signal: specSignal({ action: payload.action === 'sell' ? 'sell' : 'buy' }) };
  }
}

/**
 * How often each check ran: the route check (it reads the source's media types), the reading of
 * the signature headers, the replay window (it reads the timestamp they carry), the signature,
 * the allowlist (it asks the source whom the request speaks for), and the normalization.
 */
const checks = { route: 0, headers: 0, window: 0, signature: 0, allowlist: 0, normalize: 0 };

/** What the counting scheme reads from its headers. */
interface CountedHead {
  readonly timestamp: number;
  readonly at: string;
  readonly mac: Buffer;
}

/** A scheme of a source's own that counts its calls: `X-Mac` is the hex HMAC of `<X-At>.<body>`. */
@WebhookVerifier()
@Injectable()
class CountingMacVerifier implements SignatureVerifier<CountedHead> {
  readonly scheme = 'counting-mac';

  precheck(head: RequestHead): CountedHead {
    checks.headers++;
    const at = head.header('x-at');
    if (!at || !head.header('x-mac')) throw problem('missing_signature', 'X-At and X-Mac are required');
    return {
      // Read by the gateway exactly where it checks the replay window.
      get timestamp() {
        checks.window++;
        return Number(at);
      },
      at,
      mac: Buffer.from(head.header('x-mac')!, 'hex'),
    };
  }

  verify(request: SignedRequest, keys: HmacKeys, { at, mac }: CountedHead): Verified {
    checks.signature++;
    return {
      timestamp: Number(at),
      signedBy: keys.sha256([`${at}.`, request.body], [mac]),
      replayKey: `mac.${at}.${mac.toString('hex')}`,
    };
  }
}

@WebhookSource()
@Injectable()
class CountedSource implements SourceAdapter {
  readonly route = 'counted';
  readonly verification = ['counting-mac'] as const;
  readonly payloadSchema = { type: 'object' };

  get contentTypes(): string[] {
    checks.route++;
    return ['application/json'];
  }

  sourceId(): string {
    checks.allowlist++;
    return 'counted';
  }

  normalize(): NormalizationResult {
    checks.normalize++;
    return { ok: true, signal: specSignal() };
  }
}

@Module({ providers: [BotSource, CountedSource, CountingMacVerifier] })
class BotModule {}

/** Telemetry is the observability library's; here every request just passes through it. */
@Global()
@Module({
  providers: [
    {
      provide: WebhookTelemetryMiddleware,
      useValue: { use: (_q: unknown, _s: unknown, next: () => void) => next() },
    },
    { provide: getToken(BODY_BYTES_RESERVED), useValue: { set: () => undefined } },
    {
      provide: getToken(SIGNAL_AGE_SECONDS),
      useValue: { zero: () => undefined, labels: () => ({ observe: () => undefined }) },
    },
  ],
  exports: [WebhookTelemetryMiddleware, getToken(BODY_BYTES_RESERVED), getToken(SIGNAL_AGE_SECONDS)],
})
class QuietTelemetryModule {}

/**
 * The webhook route over HTTP with in-memory ports: the module built with forRootAsync, the
 * guards in @WebhookRoute()'s real order, and the app's problem filter.
 */
describe('IngressModule', () => {
  let app: INestApplication;
  let url: string;
  let publisher: InMemoryEventPublisher;
  let nonces: InMemoryNonceStore;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FakePortsModule,
        QuietTelemetryModule,
        SecurityModule.forRootAsync({
          useFactory: () => ({
            secrets: [{ id: 'k1', secret: SECRET }],
            replayWindowSec: 300,
            allowedSources: ['bot', 'counted'],
            // 1/s after a burst of 2, no waiting: the third request is a 429 at once.
            policy: uniformPolicy(['bot', 'counted'], {
              rate: 1,
              burst: 2,
              maxWaitMs: 0,
              inFlight: 10,
              priority: 'normal',
              scope: 'replica',
            }),
            publishReserveMs: 1500,
          }),
        }),
        IngressModule.forRootAsync({
          useFactory: () => Promise.resolve({ maxBodyBytes: 64, bodyMemoryBudgetBytes: 1024 }),
        }),
        BotModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    await app.listen(0, '127.0.0.1');
    const server = app.getHttpServer() as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/bot`;
    publisher = app.get(EventPublisher);
    nonces = app.get(NonceStore);
  });

  afterAll(() => app.close());

  const send = async (body: string, nonce: string, ts?: number) => {
    const res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...gatewaySigned(SECRET, body, nonce, ts) },
    });
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      json: (await res.json()) as Record<string, unknown>,
    };
  };

  it('takes its body limit from the async options (413 past 64 bytes)', async () => {
    const answer = await send(JSON.stringify({ action: 'buy', pad: 'x'.repeat(64) }), 'big');
    expect(answer).toMatchObject({ status: 413, json: { code: 'payload_too_large' } });
  });

  it('stores and accepts a signed request, then uses up the nonce of a request refused with 429', async () => {
    expect((await send('{"action":"buy","id":"1"}', 'n-1')).status).toBe(202);
    expect((await send('{"action":"buy","id":"2"}', 'n-2')).status).toBe(202);
    expect(publisher.on(Subjects.normalized)).toHaveLength(2);
    const ts = Math.floor(Date.now() / 1000);
    const limited = await send('{"action":"buy","id":"3"}', 'n-3', ts);
    expect(limited).toMatchObject({ status: 429, json: { code: 'rate_limited' } });
    expect(Number(limited.retryAfter)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the bucket refills a token
    // The very same request again: its nonce was claimed before the rate limit refused it.
    expect(await send('{"action":"buy","id":"3"}', 'n-3', ts)).toMatchObject({
      status: 401,
      json: { code: 'replayed_nonce' },
    });
    expect(publisher.on(Subjects.raw)).toHaveLength(2);
  });

  // Each guard takes the result of the one before it and never decides it again.
  describe('runs each check once per request', () => {
    const sendCounted = async (at: number) => {
      const body = '{"action":"buy"}';
      const mac = createHmac('sha256', SECRET).update(`${at}.${body}`).digest('hex');
      const before = { ...checks };
      const claimsBefore = nonces.claims;
      const res = await fetch(url.replace('/bot', '/counted'), {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-at': String(at), 'x-mac': mac },
      });
      const ran = Object.fromEntries(
        Object.entries(checks).map(([check, count]) => [check, count - before[check as keyof typeof checks]]),
      );
      const claimed = nonces.claims - claimsBefore;
      return { status: res.status, code: ((await res.json()) as { code?: string }).code, ran, claimed };
    };

    it('a stored webhook: every check once, and one nonce claim', async () => {
      expect(await sendCounted(Math.floor(Date.now() / 1000))).toEqual({
        status: 202,
        code: undefined,
        ran: { route: 1, headers: 1, window: 1, signature: 1, allowlist: 1, normalize: 1 },
        claimed: 1,
      });
    });

    it('a stale timestamp: refused at the window, from the headers, the signature never checked nor the nonce claimed', async () => {
      expect(await sendCounted(Math.floor(Date.now() / 1000) - 3600)).toEqual({
        status: 401,
        code: 'stale_timestamp',
        ran: { route: 1, headers: 1, window: 1, signature: 0, allowlist: 0, normalize: 0 },
        claimed: 0,
      });
    });
  });
});
