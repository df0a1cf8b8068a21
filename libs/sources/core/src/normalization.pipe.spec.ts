import type { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { specSource, webhookRequest } from '@gateway/testing';
import { NormalizationPipe } from './normalization.pipe';
import type { SourceNormalizer } from './source.normalizer';

describe('NormalizationPipe', () => {
  const signal = { instrument: 'ETHUSDT' } as Extract<NormalizationResult, { ok: true }>['signal'];
  const normalizerOf = (result: NormalizationResult) =>
    ({ normalize: jest.fn((_adapter: SourceAdapter) => result) }) as unknown as SourceNormalizer;

  /** A request past every gate: routed, authenticated and allowed as `acme`. */
  function allowedRequest(adapter: SourceAdapter) {
    const request = webhookRequest({ servedBy: adapter, routed: true });
    request.webhook.establish('authenticated', { adapter, auth: { nonce: 'n' } });
    request.webhook.establish('allowed', { adapter, auth: { nonce: 'n' }, sourceId: 'acme' });
    return request.webhook;
  }

  it("hands the service what the gates established and the source's result, noting it for telemetry", () => {
    const adapter = specSource();
    const normalizer = normalizerOf({ ok: true, signal });
    const webhook = allowedRequest(adapter);
    const normalized = new NormalizationPipe(normalizer).transform(webhook);
    expect(normalized).toEqual({
      webhook,
      adapter,
      auth: { nonce: 'n' },
      sourceId: 'acme',
      result: { ok: true, signal },
    });
    expect(normalizer.normalize).toHaveBeenCalledWith(adapter, webhook);
    expect([webhook.validation, webhook.instrument]).toEqual(['valid', 'ETHUSDT']);
  });

  it('notes an invalid payload without an instrument', () => {
    const webhook = allowedRequest(specSource());
    new NormalizationPipe(normalizerOf({ ok: false, errors: [] })).transform(webhook);
    expect([webhook.validation, webhook.instrument]).toEqual(['invalid', undefined]);
  });

  it('refuses a request the allowlist has not passed', () => {
    const { webhook } = webhookRequest({ servedBy: specSource(), routed: true });
    expect(() => new NormalizationPipe(normalizerOf({ ok: false, errors: [] })).transform(webhook)).toThrow(
      /"allowed" has not run/,
    );
  });
});
