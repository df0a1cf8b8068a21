import type { RequestHead, SignedRequest } from './verification';

/**
 * A webhook request as a source sees it: read-only, its body the exact bytes received. The
 * gateway's own request object (`WebhookContext`, libs/webhook) implements it.
 */
export interface WebhookRequest extends SignedRequest, RequestHead {
  readonly corrId: string;
  /** When its headers arrived. */
  readonly receivedAt: Date;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The media type without parameters, lower-cased ('' when absent). */
  readonly mediaType: string;
  /**
   * The body parsed as JSON, once. Throws a SyntaxError when it is not JSON, a JsonLimitError when
   * it is past JSON_LIMITS, a JsonDuplicateNameError when an object names a member twice.
   */
  json(): unknown;
  /** The body as a JSON object, or undefined when it is not one. */
  jsonObject(): Record<string, unknown> | undefined;
}
