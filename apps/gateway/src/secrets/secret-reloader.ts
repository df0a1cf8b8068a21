import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigError, fileVariable, SecretFilesWatcher, type SecretVariable } from '@gateway/config';
import { type Credentials, KeyRing } from '@gateway/security';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Logger } from 'nestjs-pino';
import type { Counter } from 'prom-client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway-config';
import { SECRET_RELOAD_ERRORS_TOTAL, SECRET_RELOADS_TOTAL } from './secret-reload.metrics';

const CONTEXT = 'Secrets';

/** The ids of the keys in force, per owner: what an operator checks after a rotation (never a key). */
function keyIds({ secrets, sourceSecrets = {} }: Credentials) {
  const sources: Record<string, string[]> = {};
  for (const [source, keys] of Object.entries(sourceSecrets)) sources[source] = keys.map((k) => k.id);
  return { shared: secrets.map((k) => k.id), sources };
}

/** Sources with keys of their own in force that `next` no longer gives any: they would fall back to the shared keys. */
function droppedSources(inForce: Credentials, next: Credentials): string[] {
  const kept = next.sourceSecrets ?? {};
  return Object.keys(inForce.sourceSecrets ?? {}).filter((source) => !Object.hasOwn(kept, source));
}

/**
 * Rotation without a restart (docs/security.md): when a secret file changes, and on SIGHUP, the
 * secrets are read again through the checks of the start and put in force in one swap (KeyRing).
 * A file that becomes unreadable, empty or malformed changes nothing: the last good keys stay,
 * and the error is logged (the variable and the reason, never a byte of a key) and counted.
 */
@Injectable()
export class SecretReloader implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly watcher: SecretFilesWatcher;
  private readonly onHangUp = () => void this.reload('SIGHUP');
  /** The credentials in force (those of the start, then of each reload put in force). */
  private inForce: Credentials;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly keys: KeyRing,
    private readonly logger: Logger,
    @InjectMetric(SECRET_RELOADS_TOTAL) private readonly reloads: Counter<'variable'>,
    @InjectMetric(SECRET_RELOAD_ERRORS_TOTAL) private readonly errors: Counter<'variable'>,
  ) {
    this.watcher = new SecretFilesWatcher(config.secretFiles);
    this.inForce = config.security;
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const variable of Object.keys(this.config.secretFiles)) {
      this.reloads.labels(variable).inc(0);
      this.errors.labels(variable).inc(0);
    }
    process.on('SIGHUP', this.onHangUp);
    this.logger.log({ keys: keyIds(this.config.security) }, 'HMAC keys in force', CONTEXT);
    await this.watcher.changed(); // what the start read: the baseline of the first change
    const interval = this.config.secretPollIntervalMs;
    if (!this.watcher.isEmpty && interval > 0) this.watcher.start(interval, (changed) => this.apply(changed));
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onHangUp);
    this.watcher.stop();
  }

  /** SIGHUP: every file read again now, changed or not. */
  async reload(reason: 'SIGHUP'): Promise<void> {
    await this.watcher.changed();
    this.apply(Object.keys(this.config.secretFiles), reason);
  }

  private apply(changed: readonly SecretVariable[], reason = 'file changed'): void {
    const problem = this.watcher.problems()[0];
    if (problem) return this.refuse(problem.variable, `${fileVariable(problem.variable)} ${problem.reason}`);
    let credentials: Credentials;
    try {
      // From exactly the text just judged: a second read could find the file half rewritten.
      credentials = this.config.reloadCredentials(this.watcher.texts());
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      return this.refuse(err.variable ?? changed[0] ?? 'unknown', err.message);
    }
    const dropped = droppedSources(this.inForce, credentials);
    if (dropped.length > 0) {
      const names = dropped.join(', ');
      return this.refuse(
        'SOURCE_HMAC_SECRETS',
        `SOURCE_HMAC_SECRETS no longer names ${names}: a reload never moves a source onto the shared keys (restart for that)`,
      );
    }
    this.inForce = credentials;
    this.keys.replace(credentials);
    for (const variable of changed) this.reloads.labels(variable).inc();
    const keys = keyIds(credentials);
    this.logger.log({ variables: changed, reason, keys }, 'secrets reloaded: new keys in force', CONTEXT);
  }

  private refuse(variable: string, reason: string): void {
    this.errors.labels(variable).inc();
    this.logger.error(
      { variable, reason },
      'secret reload refused: the last good keys stay in force',
      CONTEXT,
    );
  }
}
