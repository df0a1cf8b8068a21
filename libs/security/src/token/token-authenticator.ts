import { type AuthResult, problem, signalTimeOf, type WebhookRequest } from '@gateway/contracts';
import { assertFresh } from '../replay-window';
import { AddressAllowlist } from './address-allowlist';
import { Passphrases } from './passphrases';

/** A token profile in full: the source's declaration with the deployment's secrets. */
export interface TokenProfile {
  /** The route it serves, e.g. `acme-bot`. */
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
 * For senders that cannot sign (docs/contract.md 1.1b): the client address must be allowed
 * (X-Forwarded-For counts only as far as TRUST_PROXY trusts it, which Express has already applied
 * to `req.ip`), then the body's passphrase must match. The body is parsed only for an allowed
 * address. Replay protection is the idempotency key plus the staleness
 * of the payload's own time, when it has one.
 */
export class TokenAuthenticator {
  private readonly addresses: AddressAllowlist;
  private readonly passphrases: Passphrases;

  constructor(
    private readonly profile: TokenProfile,
    private readonly windowSec: number,
  ) {
    this.addresses = new AddressAllowlist(profile.allowedAddresses);
    this.passphrases = new Passphrases(profile.passphrases);
  }

  /** The address alone, before the body is read: 403 `address_not_allowed`. */
  precheck(route: string, clientAddress: string | undefined): void {
    if (!this.addresses.allows(clientAddress)) {
      throw problem('address_not_allowed', `this address may not post to /webhooks/${route}`);
    }
  }

  /**
   * After `precheck` passed for this request: the address is not checked again. The signal time
   * is the only timestamp a token request has, so its window is checked here, once.
   */
  authenticate(webhook: WebhookRequest): AuthResult {
    // Not a JSON object (not JSON, past the JSON limits): no passphrase to find.
    const payload = webhook.jsonObject();
    const given = payload?.[this.profile.field];
    if (payload === undefined || given === undefined) {
      throw problem('missing_passphrase', `the JSON body needs a "${this.profile.field}" field`);
    }
    if (typeof given !== 'string' || !this.passphrases.matches(given)) {
      throw problem('invalid_passphrase', `the "${this.profile.field}" does not match`);
    }
    // The signal time is read exactly as the event's `signal_time` will be.
    const time = this.profile.timeFields.find((field) => Object.hasOwn(payload, field));
    const signalTime = time === undefined ? undefined : signalTimeOf(payload[time]);
    const timestamp = signalTime && signalTime.ms / 1000;
    assertFresh(timestamp, this.windowSec);
    return { timestamp };
  }
}
