/**
 * A bound on the body bytes held across every webhook in flight (BODY_MEMORY_BUDGET_BYTES). A
 * request reserves what its body may take before a byte of it is read (its Content-Length, or
 * MAX_BODY_BYTES when chunked) and gives it back when its answer is sent; a request that does not
 * fit is refused at once (503 + Retry-After) instead of being read into memory. Without it, many
 * slow uploads of near-limit bodies each held their bytes until the timeouts, past a pod's memory
 * limit (docs/operations.md "Memory").
 */
export class BodyMemoryBudget {
  private held = 0;

  constructor(
    readonly capacity: number,
    /** Told the bytes reserved after every change (the `gateway_body_bytes_reserved` gauge). */
    private readonly report: (reserved: number) => void = () => undefined,
  ) {}

  /** Bytes reserved by the requests in flight. */
  get inUse(): number {
    return this.held;
  }

  /** Reserves `bytes`; false (and nothing reserved) when they do not fit. */
  tryReserve(bytes: number): boolean {
    if (this.held + bytes > this.capacity) return false;
    this.held += bytes;
    this.report(this.held);
    return true;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
    this.report(this.held);
  }
}
