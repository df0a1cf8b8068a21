import type { LoggerService } from '@nestjs/common';
import { problemBody, problemDetails, type ProblemDetails } from '@gateway/contracts';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { GatewayConfig } from './config/gateway-config';

type ClientError = Error & { code?: string };

// What Node's HTTP parser refuses before any route runs, answered as the routes answer: a problem.
const CLIENT_ERRORS: Record<string, ProblemDetails> = {
  HPE_HEADER_OVERFLOW: problemDetails('headers_too_large', 'the request headers are too large'),
  ERR_HTTP_REQUEST_TIMEOUT: problemDetails('request_timeout', 'the request was not received in time'),
};
const MALFORMED = problemDetails('bad_request', 'the request is not valid HTTP/1.1');

function problemResponse(problem: ProblemDetails): string {
  const { status } = problem;
  const body = problemBody(problem, randomUUID());
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Server-level limits on slow and malformed clients: headers within `headersTimeoutMs` of a
 * request's first byte, the whole request within `requestTimeoutMs`, both checked every second
 * (Node's default sweep runs every 30 s, which would let a slow client hold a socket that long).
 * What Node's parser refuses (oversized headers, bad framing, a timeout) gets a problem+json
 * answer and one info line: a client error, never logged as a server fault.
 */
export function hardenHttpServer(server: Server, config: GatewayConfig, logger: LoggerService): void {
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  // Read when the server starts listening (typed only as a createServer option).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1000;
  server.on('clientError', (err: ClientError, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const problem = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED;
    // Answer only when no response has started on this socket, or the reply would be corrupt
    // (`_httpMessage` is the in-flight response; Node's own handler checks it the same way).
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!inFlight?.headersSent) socket.write(problemResponse(problem));
    socket.destroy();
    logger.log(
      { status: problem.status, code: problem.code },
      'request refused by the HTTP parser',
      'HttpServer',
    );
  });
}
