import 'reflect-metadata';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { ConfigError } from './config-error';
import { list, loadEnvironment } from './load-environment';

class Sample {
  @Type(() => Number) @IsInt() @Min(1) @Max(10) COUNT = 3;
  @IsIn(['v1']) VERSION = 'v1';
}

describe('loadEnvironment', () => {
  it('applies defaults, also for empty variables', () => {
    expect(loadEnvironment(Sample, { COUNT: '' })).toMatchObject({ COUNT: 3, VERSION: 'v1' });
  });

  it('converts and validates given values', () => {
    expect(loadEnvironment(Sample, { COUNT: '7' }).COUNT).toBe(7);
  });

  it('names the bad variable, and says what kind of value it wants first', () => {
    expect(() => loadEnvironment(Sample, { COUNT: 'abc' })).toThrow(ConfigError);
    expect(() => loadEnvironment(Sample, { COUNT: 'abc' })).toThrow(/^COUNT .*integer/);
    expect(() => loadEnvironment(Sample, { VERSION: 'v9' })).toThrow(/^VERSION /);
  });
});

describe('list', () => {
  it('splits, trims and drops empty items', () => {
    expect(list(' a, b ,,c,')).toEqual(['a', 'b', 'c']);
  });
});
