import { DynamicModule, Module } from '@nestjs/common';
import { SourceLanes } from './policy/source-lanes';
import { SourcePolicies } from './policy/source-policies';
import { SourcePolicyGuard } from './policy/source-policy.guard';
import { sourcePolicyMetricProviders } from './policy/source-policy.metrics';
import { ReplayGuard } from './replay.guard';
import { SourceAllowlistGuard } from './source-allowlist.guard';
import { WebhookAuthGuard } from './webhook-auth.guard';
import { ConfigurableModuleClass, SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';

const guards = [WebhookAuthGuard, ReplayGuard, SourceAllowlistGuard, SourcePolicyGuard];

/**
 * The guards a webhook passes before its payload is looked at: authentication, replay, allowlist,
 * and the source's policy (in-flight cap and rate).
 */
@Module({
  providers: [...guards, ...sourcePolicyMetricProviders, SourcePolicies, SourceLanes],
  exports: [...guards, SourcePolicies, SourceLanes],
})
export class SecurityModule extends ConfigurableModuleClass {
  static override forRoot(options: SecurityModuleOptions): DynamicModule {
    const base = super.forRoot(options);
    // Guards are instantiated in the module of the controller that uses them, so it needs the
    // options and the lanes too.
    return { ...base, global: true, exports: [...guards, SECURITY_OPTIONS, SourcePolicies, SourceLanes] };
  }
}
