import { Injectable } from '@nestjs/common';
import { type Authenticated, type Received, WebhookStep } from '@gateway/webhook';

/**
 * Who sent the request, checked against its body with what its headers presented: the signature
 * (constant time, every key in force when the headers arrived), or a token route's passphrase
 * and its signal time's window: 401 otherwise.
 */
@Injectable()
export class WebhookAuthGuard extends WebhookStep<Received, Authenticated> {
  protected pass({ webhook, adapter, credentials }: Received): Authenticated {
    return { webhook, adapter, auth: credentials.authenticate(webhook) };
  }
}
