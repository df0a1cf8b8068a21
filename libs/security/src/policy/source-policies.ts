import { Inject, Injectable } from '@nestjs/common';
import type { AuthResult, Priority } from '@gateway/contracts';
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

  /** Whether the very request again is answered with its original event (SourcePolicy.redelivery). */
  answersRedelivery(source: string, auth: AuthResult): boolean {
    const answer = this.of(source).redelivery;
    return answer ? answer === 'original' : !auth.singleUseNonce;
  }
}
