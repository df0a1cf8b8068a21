import { Inject, Injectable } from '@nestjs/common';
import { problem } from '@gateway/contracts';
import { BODY_BYTES_RESERVED } from '@gateway/observability';
import {
  onExchangeEnd,
  type Presented,
  type Received,
  type WebhookHttpRequest,
  WebhookStep,
} from '@gateway/webhook';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import type { Gauge } from 'prom-client';
import getRawBody from 'raw-body';
import { BodyMemoryBudget } from './body-memory.budget';
import { idempotencyKeyHeader } from './idempotency-key';
import { INGRESS_OPTIONS } from './ingress.module-definition';
import type { IngressModuleOptions } from './ingress.options';

// Seconds a client should wait when the body memory budget is spent: uploads finish within
// REQUEST_TIMEOUT_MS, most far sooner.
const RETRY_AFTER_BUSY = 1;

/**
 * Reads the body as the exact bytes received (signatures are over bytes, and no parser may
 * normalise them first), once the headers passed: first a malformed `Idempotency-Key` (400: the
 * header is not signed, so it is refused before any nonce is claimed and the sender can correct it
 * and send the very same signed bytes again), then the body's share of the memory budget every
 * request in flight shares (503 + Retry-After at once when it does not fit), then the bytes, within
 * MAX_BODY_BYTES as they stream in (413). The request's store deadline counts from the last byte
 * (WebhookContext.received): a slow sender is not the store's. A request refused before its body
 * was read is answered with its connection closed (ProblemFilter), so the rest is never read.
 */
@Injectable()
export class BodyGuard extends WebhookStep<Presented, Received> {
  private readonly budget: BodyMemoryBudget;

  constructor(
    @Inject(INGRESS_OPTIONS) private readonly options: IngressModuleOptions,
    @InjectMetric(BODY_BYTES_RESERVED) reserved: Gauge,
  ) {
    super();
    this.budget = new BodyMemoryBudget(options.bodyMemoryBudgetBytes, (bytes) => reserved.set(bytes));
  }

  protected pass(presented: Presented, req: WebhookHttpRequest, res: Response): Promise<Received> {
    idempotencyKeyHeader(presented.webhook);
    const { maxBodyBytes } = this.options;
    const length = req.headers['content-length'];
    // A chunked body (no length declared) may take up to the limit.
    const declared = length === undefined ? maxBodyBytes : Number(length) || 0;
    if (!this.budget.tryReserve(declared)) {
      throw problem('overloaded', 'too many request bodies are in flight; retry shortly', {
        retryAfter: RETRY_AFTER_BUSY,
      });
    }
    onExchangeEnd(res, () => this.budget.release(declared));
    return new Promise((resolve, reject) => {
      getRawBody(req, { length, limit: maxBodyBytes }, (err, body) => {
        if (err) return reject(err);
        presented.webhook.received(body);
        resolve({ ...presented, body });
      });
    });
  }
}
