import type { IncomingMessage, ServerResponse } from 'node:http';
import { correlationIdOf } from './correlation-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type FakeReq = { headers: Record<string, string>; id?: unknown };

function call(headers: Record<string, string> = {}, req: FakeReq = { headers }) {
  const res = { headersSent: false, setHeader: jest.fn() };
  const id = correlationIdOf(
    req as unknown as IncomingMessage & { id?: unknown },
    res as unknown as ServerResponse,
  );
  return { id, req, res };
}

describe('correlationIdOf', () => {
  it.each(['abc-123', 'A.b_c:d-9', 'x'.repeat(128), '7'])('echoes a valid X-Correlation-Id %p', (value) => {
    const { id, res } = call({ 'x-correlation-id': value });
    expect(id).toBe(value);
    expect(res.setHeader).toHaveBeenCalledWith('X-Correlation-Id', value);
  });

  it.each([
    ['too long', 'x'.repeat(129)],
    ['a space', 'abc def'],
    ['a slash', 'a/b'],
    ['a newline', 'abc\ndef'],
    ['a non-ASCII letter', 'café'],
    ['markup', '<script>'],
  ])('replaces an id with %s by a new UUID', (_kind, value) => {
    const { id, res } = call({ 'x-correlation-id': value });
    expect(id).toMatch(UUID);
    expect(res.setHeader).toHaveBeenCalledWith('X-Correlation-Id', id);
  });

  it('falls back to X-Request-Id', () => {
    expect(call({ 'x-request-id': 'req-42' }).id).toBe('req-42');
  });

  it('prefers X-Correlation-Id over X-Request-Id', () => {
    expect(call({ 'x-correlation-id': 'corr-1', 'x-request-id': 'req-42' }).id).toBe('corr-1');
  });

  it('makes a fresh UUID per request when none is offered', () => {
    const a = call().id;
    const b = call().id;
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });

  it('is decided once per request and memoised on req.id', () => {
    const req: FakeReq = { headers: {} };
    const first = call({}, req);
    expect(req.id).toBe(first.id);
    expect(call({}, req).id).toBe(first.id);
  });

  it('does not set the header once the response headers are sent', () => {
    const res = { headersSent: true, setHeader: jest.fn() };
    correlationIdOf({ headers: {} } as unknown as IncomingMessage, res as unknown as ServerResponse);
    expect(res.setHeader).not.toHaveBeenCalled();
  });
});
