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
import { HmacAuthenticator } from '../signature/hmac-authenticator';
import { signingKeys } from '../signature/signing-keys';
import { TokenAuthenticator } from '../token/token-authenticator';
import { ClosedRouteVerifier } from './closed-route.verifier';
import { HmacKeyRing } from './hmac-key-ring';
import { HmacRouteVerifier } from './hmac-route.verifier';
import type { RouteVerifier } from './route-verifier';
import { SchemeRouteVerifier } from './scheme-route.verifier';
import { TokenRouteVerifier } from './token-route.verifier';

const BUILT_IN = ['hmac', 'standard-webhooks', 'token'];

/**
 * The verification of every route, prepared once at start-up: what each `@WebhookSource()`
 * declares (its first scheme, or the one the configuration picks among those it declares), with
 * the deployment's keys and passphrases, and the `@WebhookVerifier()` classes sources bring for
 * schemes of their own. A declaration that cannot be served stops the start with a line naming
 * the source, rather than failing its first request.
 */
@Injectable()
export class VerifierRegistry implements OnModuleInit {
  private readonly byRoute = new Map<string, RouteVerifier>();
  private readonly schemes = new Map<string, SignatureVerifier>();
  private readonly hmac: HmacAuthenticator;
  private readonly keyRing: HmacKeyRing;

  constructor(
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityModuleOptions,
    private readonly discovery: DiscoveryService,
  ) {
    const keys = signingKeys(options.secrets, options.sourceSecrets);
    this.hmac = new HmacAuthenticator(keys);
    this.keyRing = new HmacKeyRing(keys);
  }

  onModuleInit(): void {
    for (const { instance } of this.discovery.getProviders({ metadataKey: WebhookVerifier.KEY })) {
      this.addScheme(instance as SignatureVerifier);
    }
    for (const { instance } of this.discovery.getProviders({ metadataKey: WebhookSource.KEY })) {
      this.forSource(instance as SourceAdapter);
    }
  }

  /** The verification serving `adapter`'s route (prepared on first use for a source found late). */
  forSource(adapter: SourceAdapter): RouteVerifier {
    let verifier = this.byRoute.get(adapter.route);
    if (!verifier) {
      verifier = this.prepare(adapter);
      this.byRoute.set(adapter.route, verifier);
    }
    return verifier;
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

  private prepare(adapter: SourceAdapter): RouteVerifier {
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
      return new HmacRouteVerifier(scheme, this.hmac, this.options.replayWindowSec);
    }
    if (scheme === 'token') return this.tokenVerifier(adapter.route, spec as TokenVerification, fail);
    const own = this.schemes.get(scheme);
    if (!own) {
      const known = [...BUILT_IN, ...this.schemes.keys()].join(', ');
      fail(`verification "${scheme}" is no @WebhookVerifier() provided in the application (known: ${known})`);
    }
    return new SchemeRouteVerifier(own!, this.keyRing, this.options.replayWindowSec);
  }

  private tokenVerifier(route: string, spec: TokenVerification, fail: (why: string) => never): RouteVerifier {
    const secrets = this.options.tokenProfiles?.find((profile) => profile.route === route);
    if (!secrets?.passphrases.length) {
      // Served but not allowed: nothing could get in anyway, so no passphrase is needed to start.
      if (!this.options.allowedSources.includes(route)) return new ClosedRouteVerifier(route);
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
