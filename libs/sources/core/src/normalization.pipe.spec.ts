import type { NormalizationResult, SourceAdapter } from '@gateway/contracts';
import { specSource, webhookRequest } from '@gateway/testing';
import type { Claimed } from '@gateway/webhook';
import { NormalizationPipe } from './normalization.pipe';
import type { SourceNormalizer } from './source.normalizer';

describe('NormalizationPipe', () => {
  const signal = { instrument: 'ETHUSDT' } as Extract<NormalizationResult, { ok: true }>['signal'];
  const normalizerOf = (result: NormalizationResult) =>
    ({ normalize: jest.fn((_adapter: SourceAdapter) => result) }) as unknown as SourceNormalizer;

  /** A request past every gate: routed, authenticated, allowed as `acme` and its nonce claimed. */
  function claimedRequest(adapter: SourceAdapter): Claimed {
    const { webhook } = webhookRequest({ servedBy: adapter });
    return { webhook, adapter, auth: { nonce: 'n' }, sourceId: 'acme', redelivery: false };
  }

  it("hands the service what the gates established and the source's result, recorded as the last result", () => {
    const adapter = specSource();
    const normalizer = normalizerOf({ ok: true, signal });
    const claimed = claimedRequest(adapter);
    const normalized = new NormalizationPipe(normalizer).transform(claimed);
    expect(normalized).toEqual({ ...claimed, result: { ok: true, signal } });
    expect(normalizer.normalize).toHaveBeenCalledWith(adapter, claimed.webhook);
    expect(claimed.webhook.latest).toBe(normalized);
  });
});
