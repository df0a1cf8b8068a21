import { BodyMemoryBudget } from './body-memory.budget';

describe('BodyMemoryBudget', () => {
  it('admits reservations up to its capacity, and none past it', () => {
    const budget = new BodyMemoryBudget(100);

    expect([budget.tryReserve(60), budget.tryReserve(40), budget.tryReserve(1)]).toEqual([true, true, false]);
    expect(budget.inUse).toBe(100);
  });

  it('a refused reservation holds nothing; a release makes room again', () => {
    const budget = new BodyMemoryBudget(100);
    budget.tryReserve(80);

    expect(budget.tryReserve(30)).toBe(false);
    expect(budget.inUse).toBe(80);
    budget.release(80);
    expect(budget.tryReserve(30)).toBe(true);
    expect(budget.inUse).toBe(30);
  });
});
