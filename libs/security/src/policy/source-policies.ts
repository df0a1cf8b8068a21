import { Inject, Injectable } from '@nestjs/common';
import type { Priority, WebhookContext } from '@gateway/contracts';
import { SECURITY_OPTIONS } from '../security.module-definition';
import type { SecurityModuleOptions } from '../security.options';
import type { SourcePolicy } from './source-policy';

/** The configured policy of each source, looked up by id. */
@Injectable()
export class SourcePolicies {
  private readonly policies: ReadonlyMap<string, SourcePolicy>;
  private readonly defaults: SourcePolicy;

  constructor(@Inject(SECURITY_OPTIONS) options: Pick<SecurityModuleOptions, 'policy'>) {
    this.policies = new Map(Object.entries(options.policy.sources));
    this.defaults = options.policy.defaults;
  }

  /** The sources with a policy of their own: every allowed source. */
  get sources(): IterableIterator<[string, SourcePolicy]> {
    return this.policies.entries();
  }

  of(source: string): SourcePolicy {
    return this.policies.get(source) ?? this.defaults;
  }

  priorityOf(source: string): Priority {
    return this.of(source).priority;
  }

  /**
   * The lane of a request before the allowlist has confirmed its source (the nonce claim comes
   * first): the lane of the source it names, `normal` when it names none it can be held to.
   */
  claimedPriority(webhook: WebhookContext): Priority {
    return this.claimedPolicy(webhook)?.priority ?? 'normal';
  }

  /** Whether the very request again is answered with its original event (SourcePolicy.redelivery). */
  answersRedelivery(webhook: WebhookContext): boolean {
    const answer = this.claimedPolicy(webhook)?.redelivery;
    return answer ? answer === 'original' : !webhook.reached('authenticated').auth.singleUseNonce;
  }

  /** The policy of the source a request names, before the allowlist; undefined when it names none. */
  private claimedPolicy(webhook: WebhookContext): SourcePolicy | undefined {
    try {
      return this.of(webhook.reached('authenticated').adapter.sourceId(webhook));
    } catch {
      return undefined;
    }
  }
}
