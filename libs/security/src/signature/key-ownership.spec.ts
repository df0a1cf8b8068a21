import { Counter, Registry } from 'prom-client';
import { VerifiedTallies } from '../verified-tallies';
import { KeyOwnership } from './key-ownership';
import { signingKeys } from './signing-keys';

describe('KeyOwnership', () => {
  const tallies = new VerifiedTallies();
  // As security.metrics.ts registers it: the tallies are moved into the counter on each scrape.
  const verified = new Counter({
    name: 'verified_total',
    help: 'test',
    labelNames: ['source', 'key'] as const,
    registers: [new Registry()],
    collect() {
      tallies.reportTo(this);
    },
  });
  const keys = signingKeys(
    [
      { id: 'shared-old', secret: 'a' },
      { id: 'shared-new', secret: 'b' },
    ],
    { 'acme-bot': [{ id: 'acme-1', secret: 'c' }] },
  );
  const ownership = new KeyOwnership(keys, ['tradingview', 'acme-bot'], tallies);
  const value = async (source: string, key: string) =>
    (await verified.get()).values.find((v) => v.labels.source === source && v.labels.key === key)?.value;

  it('creates every series a key can count, at 0, when the keys are loaded', async () => {
    const series = (await verified.get()).values.map((v) => `${v.labels.source}/${v.labels.key}=${v.value}`);
    expect(series.sort()).toEqual([
      'acme-bot/acme-1=0',
      'tradingview/shared-new=0',
      'tradingview/shared-old=0',
    ]);
  });

  it('holds a source with its own keys to them, and the others to the shared keys', () => {
    expect(ownership.signedBy([0]).speaksFor('tradingview')).toBe(true);
    expect(ownership.signedBy([0]).speaksFor('acme-bot')).toBe(false);
    expect(ownership.signedBy([2]).speaksFor('acme-bot')).toBe(true);
    expect(ownership.signedBy([2]).speaksFor('tradingview')).toBe(false);
  });

  it('counts a verification by the id of the key that may speak for the source', async () => {
    ownership.signedBy([1]).countFor('tradingview');
    ownership.signedBy([0, 2]).countFor('acme-bot');
    expect(await value('tradingview', 'shared-new')).toBe(1);
    expect(await value('tradingview', 'shared-old')).toBe(0);
    expect(await value('acme-bot', 'acme-1')).toBe(1);
  });

  it('keeps counting a key into the same series after a reload, and only moves new counts on a scrape', async () => {
    const reloaded = new KeyOwnership(
      signingKeys([{ id: 'shared-new', secret: 'b' }]),
      ['tradingview'],
      tallies,
    );
    reloaded.signedBy([0]).countFor('tradingview');
    reloaded.signedBy([0]).countFor('tradingview');
    expect(await value('tradingview', 'shared-new')).toBe(3);
    expect(await value('tradingview', 'shared-new')).toBe(3);
  });
});
