import type { LoggerService } from '@nestjs/common';
import { problemBody, problemDetails, type ProblemDetails } from '@gateway/contracts';
import { onExchangeEnd } from '@gateway/webhook';
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Counter } from 'prom-client';
import type { GatewayConfig } from './config/gateway-config';

type ClientError = Error & { code?: string };
type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

// What Node's HTTP parser refuses before any route runs, answered as the routes answer: a problem.
const CLIENT_ERRORS: Record<string, ProblemDetails> = {
  HPE_HEADER_OVERFLOW: problemDetails('headers_too_large', 'the request headers are too large'),
  ERR_HTTP_REQUEST_TIMEOUT: problemDetails('request_timeout', 'the request was not received in time'),
};
const MALFORMED = problemDetails('bad_request', 'the request is not valid HTTP/1.1');
const NO_HOST = problemDetails('missing_host', 'an HTTP/1.1 request must carry a Host header');
const EXPECTATION = problemDetails('expectation_failed', 'only Expect: 100-continue is supported');
const CONNECT = problemDetails('method_not_allowed', 'CONNECT is not served: this is not a proxy');
/** Every refusal made here, so each series exists from the start (an alert sees the first one). */
const REFUSALS = [...Object.values(CLIENT_ERRORS), MALFORMED, NO_HOST, EXPECTATION, CONNECT];

/** The response a connection is writing now, if any (Node's own clientError handler reads it too). */
type InFlight = ServerResponse & { req: IncomingMessage };
const inFlightOn = (socket: Socket) => (socket as Socket & { _httpMessage?: InFlight })._httpMessage;

/**
 * Writes `wire` on a connection once every answer owed on it has left, then closes it. A request
 * the parser refuses may come right behind one that is complete and being processed (pipelining):
 * its refusal written at once would be read as that request's answer, and a stored signal would
 * look refused. So it waits for each answer in turn; if the connection dies first, nothing is
 * written. The answer in flight that belongs to the refused request itself (its body is what
 * failed) has not started, so the refusal goes at once, as before.
 */
function answerLast(socket: Socket, wire: string): void {
  const owed = inFlightOn(socket);
  if (socket.destroyed) return;
  if (owed && owed.req.complete && !owed.writableFinished) {
    return onExchangeEnd(owed, () => answerLast(socket, wire));
  }
  if (!owed?.headersSent || owed.writableFinished) socket.write(wire);
  socket.destroy();
}

const problemHeaders = (body: string) => ({
  'Content-Type': 'application/problem+json',
  'Content-Length': Buffer.byteLength(body),
  Connection: 'close',
});

function problemResponse(problem: ProblemDetails): string {
  const { status } = problem;
  const body = problemBody(problem, randomUUID());
  const head = Object.entries(problemHeaders(body))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`;
}

/**
 * Server-level limits on slow and malformed clients: headers within `headersTimeoutMs` of a
 * request's first byte, the whole request within `requestTimeoutMs`, both checked every second
 * (Node's default sweep runs every 30 s, which would let a slow client hold a socket that long).
 * What is refused before any route runs (Node's parser: oversized headers, bad framing, a
 * timeout; an HTTP/1.1 request without Host; an `Expect` other than 100-continue) gets a
 * problem+json answer, one info line and a count in `gateway_http_refusals_total{code}`: a client
 * error, never logged as a server fault (Node's own answers to the last two have no body at all).
 */
export function hardenHttpServer(
  server: Server,
  config: GatewayConfig,
  logger: LoggerService,
  refusals: Counter<'code'>,
): void {
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.headersTimeout = config.headersTimeoutMs;
  server.requestTimeout = config.requestTimeoutMs;
  // Read when the server starts listening (typed only as a createServer option).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1000;
  for (const { code } of REFUSALS) refusals.labels(code).inc(0);
  const refused = (problem: ProblemDetails) => {
    refusals.labels(problem.code).inc();
    logger.log(
      { status: problem.status, code: problem.code },
      'request refused by the HTTP parser',
      'HttpServer',
    );
  };
  const answer = (res: ServerResponse, problem: ProblemDetails) => {
    const body = problemBody(problem, randomUUID());
    res.shouldKeepAlive = false;
    res.writeHead(problem.status, problemHeaders(body)).end(body);
    refused(problem);
  };

  // The parser may report a connection again (more bytes, a timeout) while its refusal waits.
  const refusing = new WeakSet<Socket>();
  server.on('clientError', (err: ClientError, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    if (refusing.has(socket)) return;
    refusing.add(socket);
    const problem = CLIENT_ERRORS[err.code ?? ''] ?? MALFORMED;
    answerLast(socket, problemResponse(problem));
    refused(problem);
  });
  // Without a listener Node closes a CONNECT's connection with no answer at all.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    answerLast(socket, problemResponse(CONNECT));
    refused(CONNECT);
  });

  // Node answers these two itself, with an empty body; with a listener, the answer is ours.
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => answer(res, EXPECTATION));
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // RFC 9112 3.2: a 1.1 request without Host is a 400 (Node's own check, now answered as a problem).
    if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1) {
      return answer(res, NO_HOST);
    }
    for (const handler of handlers) handler.call(server, req, res);
  });
}
