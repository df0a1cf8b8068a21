import { sourceNotAllowed } from '../source-allowlist.guard';
import type { RouteVerifier } from './route-verifier';

/**
 * A route whose source is served but not in ALLOWED_SOURCES and has no credentials configured
 * (a token source without passphrases): every request is refused, as the allowlist would.
 */
export class ClosedRouteVerifier implements RouteVerifier {
  readonly scheme = 'closed';

  constructor(private readonly route: string) {}

  precheck(): never {
    throw sourceNotAllowed(this.route);
  }
}
