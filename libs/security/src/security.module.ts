import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { getOptionsToken, getStorageToken, ThrottlerStorageService } from '@nestjs/throttler';
import { SourceLanes } from './policy/source-lanes';
import { SourcePolicies } from './policy/source-policies';
import { SourcePolicyGuard } from './policy/source-policy.guard';
import { sourcePolicyMetricProviders } from './policy/source-policy.metrics';
import { sourceThrottlerOptions } from './policy/source-throttler.options';
import { KeyRing } from './key-ring';
import { ReplayGuard } from './replay.guard';
import { securityMetricProviders } from './security.metrics';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';
import { ConfigurableModuleClass, SECURITY_OPTIONS } from './security.module-definition';
import { VerifierRegistry } from './verification/verifier-registry';

const guards = [WebhookAuthGuard, ReplayGuard, SourceAllowlistGuard, SourcePolicyGuard];

/**
 * What ThrottlerGuard (SourcePolicyGuard's base) is built with, as ThrottlerModule.forRoot would
 * provide it but from the sources' lanes. The storage is throttler's own in-memory one: the
 * policy guard reserves through its lanes instead, so it holds nothing unless a route adds a
 * throttler of its own.
 */
const throttlerProviders = [
  { provide: getOptionsToken(), useFactory: sourceThrottlerOptions, inject: [SourceLanes] },
  { provide: getStorageToken(), useClass: ThrottlerStorageService },
];

/**
 * The guards a webhook passes before its payload is looked at: authentication (by the
 * verification each source declares, prepared by the VerifierRegistry), replay, allowlist, and
 * the source's policy (in-flight cap and rate). Guards are instantiated in the module of the
 * controller that uses them, so it exports the registry, their options and the sources' lanes too.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    VerifierRegistry,
    ...guards,
    ...sourcePolicyMetricProviders,
    SourcePolicies,
    SourceLanes,
    ...throttlerProviders,
    KeyRing,
    ...securityMetricProviders,
  ],
  exports: [
    VerifierRegistry,
    ...guards,
    KeyRing,
    SECURITY_OPTIONS,
    SourcePolicies,
    SourceLanes,
    getOptionsToken(),
    getStorageToken(),
  ],
})
export class SecurityModule extends ConfigurableModuleClass {}
