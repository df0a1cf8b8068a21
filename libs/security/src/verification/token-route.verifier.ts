import type { RequestHead } from '@gateway/contracts';
import type { PresentedCredentials } from '@gateway/webhook';
import { TokenAuthenticator } from '../token/token-authenticator';
import type { RouteVerifier } from './route-verifier';

/** A route served by its source's token verification: client address, then body passphrase. */
export class TokenRouteVerifier implements RouteVerifier {
  readonly scheme = 'token';

  constructor(private readonly token: TokenAuthenticator) {}

  precheck(head: RequestHead, clientAddress: string | undefined): PresentedCredentials {
    this.token.precheck(head.route, clientAddress);
    return this.token;
  }
}
