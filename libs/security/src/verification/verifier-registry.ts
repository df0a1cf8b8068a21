import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  schemeOf,
  ServedSources,
  type SignatureVerifier,
  type SourceAdapter,
  type TokenVerification,
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
 * The verification of every served route (ServedSources, the one list of sources): what each
 * source declares (its first scheme, or the one the configuration picks among those it
 * declares), with the keys and passphrases of the key set in force (KeyRing), and the
 * `@WebhookVerifier()` classes sources bring for schemes of their own. Prepared at start-up,
 * where a declaration that cannot be served stops the start with a line naming the source rather
 * than failing its first request, and again as each rotation puts a new key set in force.
 */
@Injectable()
export class VerifierRegistry implements OnApplicationBootstrap {
  private readonly schemes = new Map<string, SignatureVerifier>();
  private byRoute = new Map<string, RouteVerifier>();

  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
    private readonly discovery: DiscoveryService,
    private readonly sources: ServedSources,
    private readonly keyRing: KeyRing,
  ) {}

  /** After every module's init: the sources are all registered by then. */
  onApplicationBootstrap(): void {
    for (const { instance } of this.discovery.getProviders({ metadataKey: WebhookVerifier.KEY })) {
      this.addScheme(instance as SignatureVerifier);
    }
    this.byRoute = this.prepareAll(this.keyRing.current, true);
    this.keyRing.onReplace((keys) => (this.byRoute = this.prepareAll(keys, false)));
  }

  /** The verification serving `route` with the keys in force; use it at once (a rotation replaces it). */
  forRoute(route: string): RouteVerifier {
    const verifier = this.byRoute.get(route);
    if (!verifier) throw new Error(`no verification is prepared for /webhooks/${route}`);
    return verifier;
  }

  private prepareAll(keys: KeySet, starting: boolean): Map<string, RouteVerifier> {
    const byRoute = new Map<string, RouteVerifier>();
    for (const adapter of this.sources.all())
      byRoute.set(adapter.route, this.prepare(adapter, keys, starting));
    return byRoute;
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
    const windowSec = this.options.replayWindowSec;
    if (scheme === 'hmac' || scheme === 'standard-webhooks') {
      return new HmacRouteVerifier(scheme, keys.hmac, windowSec);
    }
    if (scheme === 'token') {
      return this.tokenVerifier(adapter.route, spec as TokenVerification, keys, starting ? fail : undefined);
    }
    const own = this.schemes.get(scheme);
    if (!own) {
      const known = [...BUILT_IN, ...this.schemes.keys()].join(', ');
      fail(`verification "${scheme}" is no @WebhookVerifier() provided in the application (known: ${known})`);
    }
    return new SchemeRouteVerifier(own!, keys.schemeKeys, windowSec);
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
    const token = new TokenAuthenticator(
      {
        route,
        field: spec.field,
        timeFields: spec.timeFields ?? [],
        passphrases: secrets.passphrases,
        allowedAddresses: secrets.allowedAddresses ?? spec.addresses,
      },
      this.options.replayWindowSec,
    );
    return new TokenRouteVerifier(token);
  }
}
