import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import {
  isSourceId,
  ServedSources,
  SOURCE_ID_RULE,
  type SourceAdapter,
  type VerificationSpec,
  type WebhookRequest,
} from '@gateway/contracts';
import { compileSchema, createAjv } from '@gateway/json-schema';
import type { ValidateFunction } from 'ajv';
import { WebhookSource } from './webhook-source.decorator';

/**
 * Every source adapter in the application, by route: the one list of sources (ServedSources),
 * filled once from `@WebhookSource()` providers. A source that breaks the contract stops the
 * start-up with a line naming it, rather than failing its first request.
 */
@Injectable()
export class SourceRegistry extends ServedSources implements OnModuleInit {
  private readonly byRoute = new Map<string, SourceAdapter>();
  private readonly payloadChecks = new Map<SourceAdapter, ValidateFunction>();
  private readonly ajv = createAjv();

  constructor(private readonly discovery: DiscoveryService) {
    super();
  }

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: WebhookSource.KEY })) {
      this.register(wrapper.instance as SourceAdapter, String(wrapper.name));
    }
  }

  find(route: string): SourceAdapter | undefined {
    return this.byRoute.get(route);
  }

  get routes(): string[] {
    return [...this.byRoute.keys()];
  }

  all(): SourceAdapter[] {
    return [...this.byRoute.values()];
  }

  /**
   * The adapter that speaks for `sourceId` in this request (the DLQ replay knows a stored
   * event's source, not its route): the source served at a route of that name, else one that
   * names it from the payload, as `custom` does.
   */
  speakingFor(sourceId: string, webhook: WebhookRequest): SourceAdapter | undefined {
    const claims = (adapter: SourceAdapter): boolean => {
      try {
        return adapter.sourceId(webhook) === sourceId;
      } catch {
        return false;
      }
    };
    const own = this.byRoute.get(sourceId);
    if (own && claims(own)) return own;
    return [...this.byRoute.values()].find((adapter) => adapter !== own && claims(adapter));
  }

  /** The compiled payload schema of a registered adapter. */
  payloadCheck(adapter: SourceAdapter): ValidateFunction {
    const check = this.payloadChecks.get(adapter);
    if (!check) throw new Error(`${adapter.constructor.name} is not a registered source`);
    return check;
  }

  private register(adapter: SourceAdapter, name: string): void {
    const fail = (why: string): never => {
      throw new Error(`source ${name}: ${why}`);
    };
    // A route is also the source id events carry (signals.*.v1 `source`).
    if (!isSourceId(adapter.route)) fail(`route ${JSON.stringify(adapter.route)} is not ${SOURCE_ID_RULE}`);
    const taken = this.byRoute.get(adapter.route);
    if (taken) fail(`/webhooks/${adapter.route} is already served by ${taken.constructor.name}`);
    const verificationProblem = verificationIssue(adapter);
    if (verificationProblem) fail(verificationProblem);
    if (adapter.contentTypes.length === 0) fail('takes no media type');
    if (adapter.payloadSchema?.type !== 'object') fail('payloadSchema must describe a JSON object');
    try {
      this.payloadChecks.set(adapter, compileSchema(this.ajv, adapter.payloadSchema));
    } catch (err) {
      fail(`payloadSchema is not a valid JSON Schema: ${(err as Error).message}`);
    }
    this.byRoute.set(adapter.route, adapter);
  }
}

/**
 * What is wrong with a source's `verification` declaration, if anything. Whether a named scheme
 * exists is the security library's check (it knows the registered verifiers).
 */
function verificationIssue({
  verification,
  secretFields = [],
  idempotencyField,
}: SourceAdapter): string | undefined {
  if (!Array.isArray(verification) || verification.length === 0) {
    return 'verification must list one or more schemes, its default first';
  }
  const bad = (verification as readonly unknown[]).find((spec) => !isSpec(spec));
  if (bad !== undefined) return `verification ${JSON.stringify(bad)} is not a scheme name or a token profile`;
  const token = verification.find((spec) => typeof spec !== 'string');
  if (token && !secretFields.includes(token.field)) {
    return `the token field "${token.field}" must be one of its secretFields, so it never reaches an event`;
  }
  if (idempotencyField !== undefined && idempotencyField !== null && !idempotencyField) {
    return 'idempotencyField must name a payload field, or be null for none';
  }
  return undefined;
}

function isSpec(spec: unknown): spec is VerificationSpec {
  if (typeof spec === 'string') return spec.length > 0;
  const token = spec as Partial<Record<string, unknown>> | null;
  return (
    typeof token === 'object' &&
    token !== null &&
    token.scheme === 'token' &&
    typeof token.field === 'string' &&
    token.field.length > 0 &&
    Array.isArray(token.addresses) &&
    (token.timeFields === undefined || Array.isArray(token.timeFields))
  );
}
