import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { SourceLanes } from './policy/source-lanes';
import { SourcePolicies } from './policy/source-policies';
import { SourcePolicyGuard } from './policy/source-policy.guard';
import { sourcePolicyMetricProviders } from './policy/source-policy.metrics';
import { CredentialsGuard } from './credentials.guard';
import { KeyRing } from './key-ring';
import { ReplayGuard } from './replay.guard';
import { securityMetricProviders } from './security.metrics';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';
import { ConfigurableModuleClass, SECURITY_OPTIONS } from './security.module-definition';
import { VerifierRegistry } from './verification/verifier-registry';

const guards = [CredentialsGuard, WebhookAuthGuard, SourceAllowlistGuard, ReplayGuard, SourcePolicyGuard];

/**
 * The guards a webhook passes before its payload is looked at: its credentials (by the
 * verification each source declares, prepared by the VerifierRegistry), from the headers and then
 * against the body, the allowlist, the nonce claim, and the source's policy (in-flight cap and
 * rate). Guards are instantiated in the module of the controller that uses them, so it exports
 * the registry, their options and the sources' lanes too.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    VerifierRegistry,
    ...guards,
    ...sourcePolicyMetricProviders,
    SourcePolicies,
    SourceLanes,
    KeyRing,
    ...securityMetricProviders,
  ],
  exports: [VerifierRegistry, ...guards, KeyRing, SECURITY_OPTIONS, SourcePolicies, SourceLanes],
})
export class SecurityModule extends ConfigurableModuleClass {}
