import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { WebhookContext } from './webhook-context';
import { WebhookStep, type WebhookHttpRequest, webhookSteps } from './webhook-step';

interface Opened {
  readonly webhook: WebhookContext;
}
interface Counted extends Opened {
  readonly count: number;
}

class Open extends WebhookStep<undefined, Opened> {
  protected pass(_: undefined, req: WebhookHttpRequest): Opened {
    req.webhook = new WebhookContext('bot', 'corr', {});
    return { webhook: req.webhook };
  }
}

class Count extends WebhookStep<Opened, Counted> {
  protected pass(opened: Opened): Promise<Counted> {
    return Promise.resolve({ ...opened, count: 1 });
  }
}

class Double extends WebhookStep<Counted, Counted> {
  protected pass(counted: Counted): Counted {
    return { ...counted, count: counted.count * 2 };
  }
}

const contextOf = (req: Partial<WebhookHttpRequest>) => new ExecutionContextHost([req, {}]);

describe('WebhookStep', () => {
  it('hands each step the result of the one before, synchronously when the step is', async () => {
    const req: Partial<WebhookHttpRequest> = {};
    expect(new Open().canActivate(contextOf(req))).toBe(true);
    await expect(new Count().canActivate(contextOf(req))).resolves.toBe(true);
    expect(new Double().canActivate(contextOf(req))).toBe(true);
    expect(req.webhook!.latest).toMatchObject({ count: 2 });
  });
});

describe('webhookSteps', () => {
  it('takes steps in an order where each gets what it needs', () => {
    expect(webhookSteps(Open, Count, Double, Double)).toEqual([Open, Count, Double, Double]);
  });

  it('does not compile a step before the one that gives what it takes', () => {
    // @ts-expect-error Double takes Counted, which Open does not give
    webhookSteps(Open, Double);
    // @ts-expect-error the first step takes nothing
    webhookSteps(Count, Double);
  });
});
