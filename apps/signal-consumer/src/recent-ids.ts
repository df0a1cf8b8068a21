/**
 * The ids of the last `capacity` events handled. A core NATS subscriber receives every publish,
 * including ones JetStream stored only once (a sender's retry, a DLQ replay run again), so a
 * consumer that acts on signals must recognise an event_id it has already handled.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 10_000) {}

  /** True the first time an id is seen (within the last `capacity` ids). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    // A Set iterates in insertion order: the first id is the oldest.
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}
