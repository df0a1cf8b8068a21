import type { CanActivate, ExecutionContext, Type } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { WebhookContext } from './webhook-context';

/** The Express request of a webhook route, carrying its WebhookContext once the route check opened it. */
export type WebhookHttpRequest = Request & { webhook?: WebhookContext };

/**
 * One step of a webhook's way in, as a Nest guard with one job: it takes the result of the step
 * before it (`In`, a webhook-stages.ts type) and hands its own (`Out`) to the next, or throws the
 * problem that refuses the request. The result travels on the request's WebhookContext, the only
 * place Nest lets one guard leave something for the next; `webhookSteps()` checks their order.
 */
export abstract class WebhookStep<In, Out> implements CanActivate {
  /** Types only, read by `webhookSteps()`; nothing is stored. */
  declare readonly takes: In;
  declare readonly gives: Out;

  /** This step's job. The first step (the route check) gets `undefined` and opens the context. */
  protected abstract pass(input: In, req: WebhookHttpRequest, res: Response): Out | Promise<Out>;

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // The HTTP arguments by index: `switchToHttp()` makes three closures on every call.
    const req = context.getArgByIndex<WebhookHttpRequest>(0);
    const out = this.pass(req.webhook?.latest as In, req, context.getArgByIndex<Response>(1));
    // Synchronous steps stay synchronous: no promise and no extra turn per request.
    if (!(out instanceof Promise)) return handOn(req, out);
    return out.then((result) => handOn(req, result));
  }
}

function handOn(req: WebhookHttpRequest, result: unknown): true {
  req.webhook!.advance(result);
  return true;
}

type AnyStep = Type<WebhookStep<any, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
type TakesOf<S> = S extends Type<{ takes: infer I }> ? I : never;
type GivesOf<S> = S extends Type<{ gives: infer O }> ? O : never;

/**
 * `Steps` unchanged when each step takes what the one before gives (the first takes `undefined`);
 * otherwise a tuple whose mismatching position names the problem, so the call does not compile.
 */
type InOrder<Steps extends readonly unknown[], Given> = Steps extends readonly [infer First, ...infer Rest]
  ? [Given] extends [TakesOf<First>]
    ? readonly [First, ...InOrder<Rest, GivesOf<First>>]
    : readonly ['a step here takes a result the step before it does not give', ...Rest]
  : readonly [];

/**
 * The guards of a webhook route, in the order they run, checked by the compiler: each takes the
 * result the one before it gives. Pass the result to `UseGuards`.
 */
export function webhookSteps<const Steps extends readonly AnyStep[]>(
  ...steps: Steps & InOrder<Steps, undefined>
): Steps {
  return steps;
}
