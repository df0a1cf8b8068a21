import { AuthResult, problem, WebhookContext } from '@gateway/contracts';
import { AddressAllowlist } from './address-allowlist';
import { Passphrases } from './passphrases';

const DIGITS = /^\d{1,16}$/;
// The RFC 3339 shape: a looser parse would read a time out of any text.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Unix seconds of a signal time field (Unix seconds or milliseconds, or RFC 3339), if it is one. */
function unixSecondsOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && DIGITS.test(value) ? Number(value) : value;
  if (typeof n === 'number' && Number.isFinite(n)) return n < 1e11 ? n : n / 1000;
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/** A token profile in full: the source's declaration with the deployment's secrets. */
export interface TokenProfile {
  /** The route it serves, e.g. `tradingview`. */
  route: string;
  /** Client addresses or CIDR ranges allowed to post (after TRUST_PROXY is applied). */
  allowedAddresses: readonly string[];
  /** Accepted passphrases, several during a rotation. */
  passphrases: readonly string[];
  /** The top-level body field carrying the passphrase. */
  field: string;
  /** Payload fields holding the signal time, checked against the replay window (first present). */
  timeFields: readonly string[];
}

/**
 * For senders that cannot sign (TradingView sets no headers, CONTRACT.md 1.1b): the client
 * address must be allowed (X-Forwarded-For counts only as far as TRUST_PROXY trusts it, which
 * Express has already applied to `req.ip`), then the body's passphrase must match. The body is
 * parsed only for an allowed address. Replay protection is the idempotency key plus the staleness
 * of the payload's own time, when it has one.
 */
export class TokenAuthenticator {
  private readonly addresses: AddressAllowlist;
  private readonly passphrases: Passphrases;

  constructor(private readonly profile: TokenProfile) {
    this.addresses = new AddressAllowlist(profile.allowedAddresses);
    this.passphrases = new Passphrases(profile.passphrases);
  }

  /** The address alone, before the body is read: 403 `address_not_allowed`. */
  precheck(route: string, clientAddress: string | undefined): void {
    if (!this.addresses.allows(clientAddress)) {
      throw problem('address_not_allowed', `this address may not post to /webhooks/${route}`);
    }
  }

  authenticate(webhook: WebhookContext, clientAddress: string | undefined): AuthResult {
    this.precheck(webhook.route, clientAddress);
    const payload = this.payloadOf(webhook);
    const given = payload?.[this.profile.field];
    if (given === undefined) {
      throw problem('missing_passphrase', `the JSON body needs a "${this.profile.field}" field`);
    }
    if (typeof given !== 'string' || !this.passphrases.matches(given)) {
      throw problem('invalid_passphrase', `the "${this.profile.field}" does not match`);
    }
    const time = this.profile.timeFields.find((field) => Object.hasOwn(payload!, field));
    return { timestamp: time === undefined ? undefined : unixSecondsOf(payload![time]) };
  }

  /** The body as a JSON object, or undefined when it is not one (then it has no passphrase). */
  private payloadOf(webhook: WebhookContext): Record<string, unknown> | undefined {
    try {
      const payload = webhook.json();
      if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
        return payload as Record<string, unknown>;
      }
    } catch {
      // Not JSON (or past the JSON limits): no passphrase to find.
    }
    return undefined;
  }
}
