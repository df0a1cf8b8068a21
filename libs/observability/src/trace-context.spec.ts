import type { IncomingMessage } from 'node:http';
import { traceparentOf } from './trace-context';

const request = (traceparent?: string) =>
  ({ headers: traceparent === undefined ? {} : { traceparent } }) as unknown as IncomingMessage;
const FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;

describe('traceparentOf', () => {
  it("continues the caller's trace under a span of the gateway's own, keeping its sampled flag", () => {
    const offered = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const carried = traceparentOf(request(offered));
    expect(carried).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(carried).not.toBe(offered);
    expect(traceparentOf(request('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00'))).toMatch(/-00$/);
  });

  it('starts a new trace, not sampled, when there is none or it is not valid', () => {
    const invalid = [
      undefined,
      'garbage',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01', // all-zero trace id
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', // all-zero parent id
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', // forbidden version
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra', // version 00 has 4 fields
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01', // upper case
    ];
    const started = invalid.map((value) => traceparentOf(request(value)));
    for (const value of started) expect(value).toMatch(FORMAT);
    for (const value of started) expect(value).toMatch(/-00$/);
    expect(new Set(started.map((v) => v.slice(3, 35))).size).toBe(started.length);
  });

  it('reads a later version by its first four fields, and answers version 00', () => {
    const later = '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next';
    expect(traceparentOf(request(later))).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
  });

  it('decides once per request', () => {
    const req = request();
    expect(traceparentOf(req)).toBe(traceparentOf(req));
  });
});
