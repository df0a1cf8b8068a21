export interface IngressModuleOptions {
  /** Largest body accepted, enforced while reading (413 past it). */
  maxBodyBytes: number;
  /** Body bytes held at once across all requests in flight; beyond it 503 at once, unread. */
  bodyMemoryBudgetBytes: number;
}
