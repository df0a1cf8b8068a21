const MiB = 1024 * 1024;

/**
 * How the body memory budget and a replica's memory limit follow from each other (docs/operations.md
 * "Memory"): limit = baseline + collector slack + per-byte factor x budget. Measured by
 * test/memory-budget.e2e-spec.ts.
 */
export const MEMORY = {
  /** An idle gateway (94-100 MiB resident) plus room for a few hundred sockets and the collector's slack. */
  baselineBytes: 128 * MiB,
  /**
   * Garbage V8 lets pile up between major collections under a stream of large bodies (each
   * leaves several body-sized strings and buffers behind): measured up to ~250 MiB.
   */
  gcSlackBytes: 256 * MiB,
  /**
   * Resident bytes per body byte in flight, held while its events await their acks: the bytes,
   * their string, the parsed payload and the raw event's copy (the serialised events are
   * transient: the collector's slack).
   */
  perBodyByte: 4,
  /** The Kubernetes base's memory limit (deploy/k8s/base/deployment.yaml). */
  podLimitBytes: 512 * MiB,
} as const;

/** The memory limit a replica needs for `budget` body bytes in flight. */
export const memoryLimitFor = (budget: number): number =>
  MEMORY.baselineBytes + MEMORY.gcSlackBytes + MEMORY.perBodyByte * budget;

/** The default BODY_MEMORY_BUDGET_BYTES: what the base's pod limit allows (32 MiB for 512 MiB). */
export const DEFAULT_BODY_MEMORY_BUDGET_BYTES = Math.floor(
  (MEMORY.podLimitBytes - MEMORY.baselineBytes - MEMORY.gcSlackBytes) / MEMORY.perBodyByte,
);
