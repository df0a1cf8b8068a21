import { Inject, Injectable } from '@nestjs/common';
import { problem } from '@gateway/contracts';
import { type Allowed, type Authenticated, WebhookStep } from '@gateway/webhook';
import { SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';

/** The 403 of a source outside ALLOWED_SOURCES: which source, and where it would be allowed. */
export const sourceNotAllowed = (sourceId: string) =>
  problem(
    'source_not_allowed',
    `source "${sourceId}" is not allowed: the gateway's ALLOWED_SOURCES must name it`,
    // The id is well-formed by now (the route's, or checked by the source that read it).
    { logged: { refused_source: sourceId } },
  );

/**
 * Lets in only the sources named in ALLOWED_SOURCES, matched exactly (case-sensitive), and only
 * with a secret of theirs: a source with its own secrets must be signed with one of them, any
 * other source with a shared secret. So one source's key can never speak for another.
 */
@Injectable()
export class SourceAllowlistGuard extends WebhookStep<Authenticated, Allowed> {
  private readonly allowed: ReadonlySet<string>;

  constructor(@Inject(SECURITY_OPTIONS) options: SecurityModuleOptions) {
    super();
    this.allowed = new Set(options.allowedSources);
  }

  protected pass(authenticated: Authenticated): Allowed {
    const { webhook, adapter, auth } = authenticated;
    const sourceId = adapter.sourceId(webhook);
    if (!this.allowed.has(sourceId)) throw sourceNotAllowed(sourceId);
    // Judged by the key set that verified it, even if a rotation swapped the keys since.
    const { signedBy } = auth;
    if (signedBy && !signedBy.speaksFor(sourceId)) {
      throw problem('invalid_signature', 'the signature was not made with a secret of this source');
    }
    signedBy?.countFor(sourceId);
    return { ...authenticated, sourceId };
  }
}
