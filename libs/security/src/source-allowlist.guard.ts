import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { problem, webhookOf } from '@gateway/contracts';
import { SECURITY_OPTIONS } from './security.module-definition';
import type { SecurityModuleOptions } from './security.options';

/** Lets in only the sources named in ALLOWED_SOURCES, matched exactly (case-sensitive). */
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
    webhook.allowed = true;
    return true;
  }
}
