import type { AuthResult, RequestHead, WebhookContext } from '@gateway/contracts';
import { TokenAuthenticator } from '../token/token-authenticator';
import type { RouteVerifier } from './route-verifier';

/** A route served by its source's token verification: client address, then body passphrase. */
export class TokenRouteVerifier implements RouteVerifier {
  readonly scheme = 'token';

  constructor(private readonly token: TokenAuthenticator) {}

  precheck(head: RequestHead, clientAddress: string | undefined): void {
    this.token.precheck(head.route, clientAddress);
  }

  authenticate(webhook: WebhookContext): AuthResult {
    return this.token.authenticate(webhook);
  }
}
