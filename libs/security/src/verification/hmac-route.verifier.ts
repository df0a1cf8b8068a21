import type { RequestHead } from '@gateway/contracts';
import type { PresentedCredentials } from '@gateway/webhook';
import { assertFresh } from '../replay-window';
import type { HmacAuthenticator } from '../signature/hmac-authenticator';
import { assertSignatureShape, type HmacScheme, signedHeadersOf } from '../signature/signed-headers';
import type { RouteVerifier } from './route-verifier';

export type { HmacScheme } from '../signature/signed-headers';

/**
 * A route served by the gateway's HMAC schemes (docs/contract.md 1.1, 1.1a), through the one
 * HmacAuthenticator every such route shares (its keys decoded once). The headers are read, the
 * timestamp's window and the signature's shape checked once, before the body; the signature is
 * checked with what was read once the body is in.
 */
export class HmacRouteVerifier implements RouteVerifier {
  constructor(
    readonly scheme: HmacScheme,
    private readonly hmac: HmacAuthenticator,
    private readonly windowSec: number,
  ) {}

  precheck(head: RequestHead): PresentedCredentials {
    const signed = signedHeadersOf(head, this.scheme);
    assertFresh(Number(signed.timestamp), this.windowSec);
    assertSignatureShape(signed);
    return { authenticate: (webhook) => this.hmac.authenticate(signed, webhook.body) };
  }
}
