import { Controller, Res } from '@nestjs/common';
import { NormalizationPipe, Webhook } from '@gateway/sources-core';
import type { NormalizedWebhook } from '@gateway/webhook';
import type { Response } from 'express';
import { IngestReply, IngressService } from './ingress.service';
import { WebhookRoute } from './webhook-route.decorator';

@Controller('webhooks')
export class WebhookController {
  constructor(private readonly ingress: IngressService) {}

  /** 202 when stored now, 200 when the same idempotency key was stored before. */
  @WebhookRoute()
  async receive(
    @Webhook(NormalizationPipe) signal: NormalizedWebhook,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IngestReply> {
    const reply = await this.ingress.ingest(signal);
    signal.webhook.settle({ eventId: reply.event_id });
    res.status(reply.status === 'accepted' ? 202 : 200);
    return reply;
  }
}
