import { connect } from 'node:net';

/**
 * A request as it goes on the wire: request line, `Host`, `headers` as given, and `body` with its
 * Content-Length (a JSON body to `/webhooks/tradingview` unless told otherwise).
 */
export function wireRequest(
  headers: Record<string, string | number>,
  body = '',
  { path = '/webhooks/tradingview', type = 'application/json' } = {},
): string {
  const all = { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers };
  const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
  return `POST ${path} HTTP/1.1\r\nHost: gw\r\n${lines.join('')}\r\n${body}`;
}

export interface RawReply {
  /** Everything the server sent before it closed the connection. */
  text: string;
  /** The status code of the first response line, or 0 when nothing came back. */
  status: number;
  /** The JSON body of that response, when it has one. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Writes `chunks` to a fresh TCP connection exactly as given (no HTTP client would send most of
 * what hostile tests need), then waits until the server closes it. With `end`, our side is
 * half-closed after writing, as a client that has nothing more to send.
 */
export function rawHttp(
  url: string,
  chunks: (string | Buffer)[],
  { end = false }: { end?: boolean } = {},
): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const received: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => {
      for (const chunk of chunks) socket.write(chunk);
      if (end) socket.end();
    });
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // The server may close while we are still writing; what it answered is what counts.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') reject(err);
    });
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const bodyText = text.slice(text.indexOf('\r\n\r\n') + 4);
      let json: unknown = null;
      try {
        json = JSON.parse(bodyText);
      } catch {
        json = null;
      }
      resolve({ text, status, json });
    });
  });
}
