import { RuntimeEnvironment } from '@gateway/config';
import { IsOptional, IsString } from 'class-validator';

/**
 * The environment variables that say how to reach a secured NATS (docs/contract.md 6.1), shared by
 * every app that connects: each app's own environment class extends this one (and through it
 * RuntimeEnvironment: ENV, LOG_LEVEL). Only their shape
 * is checked here; `natsAuthOf` checks what they name (files readable, pairs complete).
 */
export class NatsClientEnvironment extends RuntimeEnvironment {
  @IsOptional() @IsString() NATS_USER?: string;
  @IsOptional() @IsString() NATS_PASSWORD?: string;
  @IsOptional() @IsString() NATS_TOKEN?: string;
  @IsOptional() @IsString() NATS_NKEY_SEED_FILE?: string;
  @IsOptional() @IsString() NATS_CREDS_FILE?: string;
  @IsOptional() @IsString() NATS_TLS_CA_FILE?: string;
  @IsOptional() @IsString() NATS_TLS_CERT_FILE?: string;
  @IsOptional() @IsString() NATS_TLS_KEY_FILE?: string;
}
