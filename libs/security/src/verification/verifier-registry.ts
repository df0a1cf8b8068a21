import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  schemeOf,
  type SignatureVerifier,
  type SourceAdapter,
  type TokenVerification,
  WebhookSource,
  WebhookVerifier,
} from '@gateway/contracts';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import { KeyRing } from '../key-ring';
import type { KeySet } from '../key-set';
import { TokenAuthenticator } from '../token/token-authenticator';
import { ClosedRouteVerifier } from './closed-route.verifier';
import { HmacRouteVerifier } from './hmac-route.verifier';
import type { RouteVerifier } from './route-verifier';
import { SchemeRouteVerifier } from './scheme-route.verifier';
import { TokenRouteVerifier } from './token-route.verifier';

const BUILT_IN = ['hmac', 'standard-webhooks', 'token'];

/**
 * The verification of every route: what each `@WebhookSource()` declares (its first scheme, or
 * the one the configuration picks among those it declares), with the keys and passphrases of the
 * key set in force (KeyRing), and the `@WebhookVerifier()` classes sources bring for schemes of
 * their own. Prepared at start-up, where a declaration that cannot be served stops the start with
 * a line naming the source rather than failing its first request; prepared again, once, by the
 * first request after a rotation swapped the key set, so every scheme verifies with the new keys
 * and a request pays one reference comparison for it.
 */
@Injectable()
export class VerifierRegistry implements OnModuleInit {
  private readonly adapters = new Map<string, SourceAdapter>();
  private readonly schemes = new Map<string, SignatureVerifier>();
  private byRoute = new Map<string, RouteVerifier>();
  /** The key set `byRoute` was prepared from. */
  private preparedFrom: KeySet;

  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly keyRing: KeyRing,
  ) {
    this.preparedFrom = keyRing.current;
  }

  onModuleInit(): void {
    for (const { instance } of this.discovery.getProviders({ metadataKey: WebhookVerifier.KEY })) {
      this.addScheme(instance as SignatureVerifier);
    }
    for (const { instance } of this.discovery.getProviders({ metadataKey: WebhookSource.KEY })) {
      this.forSource(instance as SourceAdapter);
    }
  }

  /**
   * The verification serving `adapter`'s route with the keys in force (prepared on first use for
   * a source found late). The caller uses it at once: it holds the keys of that moment.
   */
  forSource(adapter: SourceAdapter): RouteVerifier {
    const keys = this.keyRing.current;
    if (keys !== this.preparedFrom) this.prepareAll(keys);
    let verifier = this.byRoute.get(adapter.route);
    if (!verifier) {
      verifier = this.prepare(adapter, keys, true);
      this.adapters.set(adapter.route, adapter);
      this.byRoute.set(adapter.route, verifier);
    }
    return verifier;
  }

  /** Every known route again, with a new key set. */
  private prepareAll(keys: KeySet): void {
    const byRoute = new Map<string, RouteVerifier>();
    for (const [route, adapter] of this.adapters) byRoute.set(route, this.prepare(adapter, keys, false));
    this.byRoute = byRoute;
    this.preparedFrom = keys;
  }

  private addScheme(verifier: SignatureVerifier): void {
    const { scheme } = verifier;
    const taken = this.schemes.get(scheme);
    // The same class provided by two sources' modules is one scheme; two classes are a conflict.
    if (taken && taken.constructor === verifier.constructor) return;
    if (taken || BUILT_IN.includes(scheme) || !scheme) {
      const by = taken ? `${taken.constructor.name}` : 'the gateway';
      throw new Error(`verifier ${verifier.constructor.name}: scheme "${scheme}" is already served by ${by}`);
    }
    this.schemes.set(scheme, verifier);
  }

  /** At start (`starting`) a route that cannot be served throws; after a rotation it is closed. */
  private prepare(adapter: SourceAdapter, keys: KeySet, starting: boolean): RouteVerifier {
    const fail = (why: string): never => {
      throw new Error(`source ${adapter.constructor.name} (/webhooks/${adapter.route}): ${why}`);
    };
    const declared = adapter.verification;
    const chosen = this.options.verification?.[adapter.route];
    const spec = chosen === undefined ? declared[0] : declared.find((s) => schemeOf(s) === chosen);
    if (spec === undefined) {
      fail(`the configuration asks for verification "${chosen}", which it does not declare`);
    }
    const scheme = schemeOf(spec!);
    if (scheme === 'hmac' || scheme === 'standard-webhooks') {
      return new HmacRouteVerifier(scheme, keys.hmac, this.options.replayWindowSec);
    }
    if (scheme === 'token') {
      return this.tokenVerifier(adapter.route, spec as TokenVerification, keys, starting ? fail : undefined);
    }
    const own = this.schemes.get(scheme);
    if (!own) {
      const known = [...BUILT_IN, ...this.schemes.keys()].join(', ');
      fail(`verification "${scheme}" is no @WebhookVerifier() provided in the application (known: ${known})`);
    }
    return new SchemeRouteVerifier(own!, keys.schemeKeys, this.options.replayWindowSec);
  }

  private tokenVerifier(
    route: string,
    spec: TokenVerification,
    keys: KeySet,
    fail?: (why: string) => never,
  ): RouteVerifier {
    const secrets = keys.tokenProfile(route);
    if (!secrets?.passphrases.length) {
      // Served but not allowed: nothing could get in anyway, so no passphrase is needed to start.
      // A reload that drops a route's passphrases closes it rather than failing its requests.
      if (!fail || !this.options.allowedSources.includes(route)) return new ClosedRouteVerifier(route);
      return fail('its token verification needs passphrases, and none are configured');
    }
    const token = new TokenAuthenticator({
      route,
      field: spec.field,
      timeFields: spec.timeFields ?? [],
      passphrases: secrets.passphrases,
      allowedAddresses: secrets.allowedAddresses ?? spec.addresses,
    });
    return new TokenRouteVerifier(token);
  }
}
