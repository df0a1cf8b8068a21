import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { problem, webhookOf } from '@gateway/contracts';
import { SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';

/**
 * Lets in only the sources named in ALLOWED_SOURCES, matched exactly (case-sensitive), and only
 * with a secret of theirs: a source with its own secrets must be signed with one of them, any
 * other source with a shared secret. So one source's key can never speak for another.
 */
@Injectable()
export class SourceAllowlistGuard implements CanActivate {
  private readonly allowed: ReadonlySet<string>;

  constructor(@Inject(SECURITY_OPTIONS) options: SecurityModuleOptions) {
    this.allowed = new Set(options.allowedSources);
  }

  canActivate(context: ExecutionContext): boolean {
    const webhook = webhookOf(context.switchToHttp().getRequest());
    const sourceId = webhook.adapter!.sourceId(webhook);
    webhook.sourceId = sourceId;
    if (!this.allowed.has(sourceId)) {
      throw problem(403, 'source_not_allowed', 'Forbidden', 'this source is not allowed');
    }
    const { signedBy } = webhook.auth;
    if (signedBy && !signedBy.speaksFor(sourceId)) {
      throw problem(
        401,
        'invalid_signature',
        'Unauthorized',
        'the signature was not made with a secret of this source',
      );
    }
    webhook.allowed = true;
    signedBy?.countFor(sourceId);
    return true;
  }
}
