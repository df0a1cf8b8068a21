import type { JetStreamClient, JetStreamManager } from 'nats';

/**
 * Where dead letters are read and recovered events written: the stream, over a connection that
 * the app owns (the replay job's, or the gateway's healer's). A port, so one recovery serves both.
 */
export abstract class DeadLetterStream {
  abstract readonly stream: string;
  abstract readonly js: JetStreamClient;
  abstract readonly jsm: JetStreamManager;
}
