import { BadRequestException, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { EventTooLargeError, problem, StoreUnavailableError } from '@gateway/contracts';
import { webhookRequest } from '@gateway/testing';
import { ProblemFilter } from './problem.filter';

/** What a client receives for `exception`: status, Retry-After and the parsed problem+json body. */
function answerTo(exception: unknown, headersSetBefore: Record<string, string> = {}, bodyRead = true) {
  const { req, res, context, webhook } = webhookRequest();
  req.complete = bodyRead;
  for (const [name, value] of Object.entries(headersSetBefore)) res.setHeader(name, value);
  new ProblemFilter().catch(exception, context);
  expect(res.contentType).toBe('application/problem+json');
  const body = JSON.parse(res.body ?? 'null') as Record<string, unknown>;
  // The log line's code is the body's code.
  expect(webhook.outcome?.problem?.code).toBe(body.code);
  expect(body).toMatchObject({
    status: res.statusCode,
    corr_id: req.id,
    type: `urn:at-gateway:problem:${String(body.code)}`,
  });
  return {
    status: res.statusCode,
    retryAfter: res.headers['retry-after'],
    body,
    closes: res.headers.connection,
  };
}

describe('ProblemFilter', () => {
  it('answers a problem exception with its own code, title, detail and extensions', () => {
    const answer = answerTo(
      problem('schema_validation_failed', 'the payload does not match', {
        extensions: { raw_event_id: 'r-1' },
      }),
    );
    expect(answer).toEqual({
      status: 422,
      retryAfter: undefined,
      closes: undefined,
      body: expect.objectContaining({
        code: 'schema_validation_failed',
        title: 'Unprocessable Content',
        detail: 'the payload does not match',
        raw_event_id: 'r-1',
      }),
    });
  });

  it('maps a store outage to 503 nats_unavailable with Retry-After (the default, or the store’s own)', () => {
    expect(answerTo(new StoreUnavailableError('no ack'))).toMatchObject({
      status: 503,
      retryAfter: '1',
      body: { code: 'nats_unavailable' },
    });
    expect(answerTo(new StoreUnavailableError('stream full', 30)).retryAfter).toBe('30');
  });

  it('maps an event too large to 413 payload_too_large, never a 503', () => {
    expect(answerTo(new EventTooLargeError('over max_payload'))).toMatchObject({
      status: 413,
      retryAfter: undefined,
      body: { code: 'payload_too_large', detail: 'over max_payload' },
    });
  });

  it('answers the rate limit 429 rate_limited with its Retry-After', () => {
    const refused = problem('rate_limited', 'the source rate limit is exhausted', { retryAfter: 3 });
    expect(answerTo(refused)).toMatchObject({
      status: 429,
      retryAfter: '3',
      body: { code: 'rate_limited', detail: 'the source rate limit is exhausted' },
    });
  });

  it('closes the connection of a request refused before its body was read, and only then', () => {
    const refused = problem('missing_signature', 'the X-Signature header is required');
    expect(answerTo(refused, {}, false).closes).toBe('close');
    expect(answerTo(refused, {}, true).closes).toBeUndefined();
  });

  it('records the answer as the outcome, with the raw event a 422 names', () => {
    const { context, webhook } = webhookRequest();
    const dead = problem('schema_validation_failed', 'no', { extensions: { raw_event_id: 'r-9' } });
    new ProblemFilter().catch(dead, context);
    expect(webhook.outcome).toEqual({ problem: dead.problem, eventId: 'r-9' });
  });

  it('maps a body read error of raw-body by its type', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      type: 'entity.too.large',
      status: 413,
    });
    expect(answerTo(tooLarge)).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
  });

  it.each([
    [404, 'not_found', new NotFoundException()],
    [400, 'bad_request', new BadRequestException('bad')],
    [410, 'bad_request', new HttpException('gone', 410)],
    [502, 'internal_error', new HttpException('upstream failed', 502)],
  ])('keeps status %i of an HttpException, code %s', (status, code, exception) => {
    expect(answerTo(exception)).toMatchObject({ status, body: { code } });
  });

  it('keeps a client status carried by another error', () => {
    const aborted = Object.assign(new Error('request aborted'), { status: 400 });
    expect(answerTo(aborted)).toMatchObject({ status: 400, body: { code: 'bad_request' } });
  });

  it('answers anything else with 500 internal_error, never its message; logs the stack for the operator', () => {
    // Captured rather than printed: the error is this test's input, not a failure of the run.
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      const answer = answerTo(new Error('secret internals'));
      expect(answer).toMatchObject({ status: 500, body: { code: 'internal_error' } });
      expect(JSON.stringify(answer.body)).not.toContain('secret internals');
      expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^Error: secret internals\n\s+at /));
    } finally {
      logged.mockRestore();
    }
  });
});
