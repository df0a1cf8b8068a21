import type { StreamConfig } from 'nats';
import { appliedValues, recordOf, StreamOwnership } from './stream-ownership';
import { newStreamConfig, ownedValues, streamDrifts } from './stream-settings';

const MIB = 2 ** 20;
const settings = (maxBytes: number) => ({
  replicas: 1,
  duplicateWindowSec: 3600,
  maxAgeSec: 86400,
  maxBytes,
});
const created = (maxBytes: number) => newStreamConfig('s', settings(maxBytes)) as StreamConfig;
const fields = (drifts: { field: string }[]) => drifts.map((d) => d.field);

describe('StreamOwnership', () => {
  it('records what the gateway applied in the description, and reads it back', () => {
    const config = created(64 * MIB);
    expect(appliedValues(config)).toEqual(ownedValues(settings(64 * MIB)));
    expect(appliedValues({ description: 'made by the platform team' })).toBeUndefined();
    expect(
      appliedValues({ description: `${recordOf({ max_bytes: '1 bytes' }).slice(0, -2)}` }),
    ).toBeUndefined();
  });

  it("keeps an operator's edit: the gateway's own value is still the one it applied", () => {
    const edited = { ...created(64 * MIB), max_bytes: 96 * MIB };
    const drifts = streamDrifts(edited, settings(64 * MIB));
    const ownership = new StreamOwnership();
    for (let look = 0; look < 3; look++) {
      const decision = ownership.decide(edited, drifts, ownedValues(settings(64 * MIB)));
      expect([fields(decision.apply), fields(decision.kept)]).toEqual([[], ['max_bytes']]);
    }
  });

  it('applies a value the gateway was configured with since, at its first look only', () => {
    const live = created(64 * MIB);
    const want = settings(128 * MIB);
    const ownership = new StreamOwnership();
    const first = ownership.decide(live, streamDrifts(live, want), ownedValues(want));
    expect(fields(first.apply)).toEqual(['max_bytes']);
    // Someone else (a replica still on the old settings, an operator) changed it back: left alone.
    const later = ownership.decide(live, streamDrifts(live, want), ownedValues(want));
    expect([fields(later.apply), fields(later.kept)]).toEqual([[], ['max_bytes']]);
  });

  it('always corrects what breaks the contract: a missing subject, a duplicate window too short', () => {
    const broken = { ...created(64 * MIB), subjects: ['signals.raw'], duplicate_window: 60e9 };
    const ownership = new StreamOwnership();
    ownership.created('s');
    const decision = ownership.decide(
      broken,
      streamDrifts(broken, settings(64 * MIB)),
      ownedValues(settings(64 * MIB)),
    );
    expect(fields(decision.apply)).toEqual(['subjects', 'duplicate_window']);
  });

  it('applies everything on a stream without a record (made by someone else, or an older gateway)', () => {
    const foreign = { ...created(64 * MIB), description: undefined, max_age: 0 };
    const decision = new StreamOwnership().decide(
      foreign,
      streamDrifts(foreign, settings(64 * MIB)),
      ownedValues(settings(64 * MIB)),
    );
    expect(fields(decision.apply)).toEqual(['max_age']);
  });
});
