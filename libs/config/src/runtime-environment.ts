import { Transform } from 'class-transformer';
import { IsIn, Matches } from 'class-validator';
import { LOG_LEVELS } from './patterns';

/** Where the development secret may stand in for a missing one; every other ENV needs real secrets. */
export const DEVELOPMENT_ENVIRONMENTS: readonly string[] = ['development', 'test'];

export const isDevelopment = (env: string): boolean => DEVELOPMENT_ENVIRONMENTS.includes(env);

const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.toLowerCase() : value;

/**
 * `ENV` and `LOG_LEVEL`, which every app reads. Either case is accepted (`Production`, `INFO`, as
 * the seed's own examples write them) and the value is kept in lower case, so every comparison
 * with `production` or `development` sees one spelling.
 */
export class RuntimeEnvironment {
  @Transform(lowerCase) @Matches(/^[a-z][a-z0-9-]*$/) ENV = 'development';
  @Transform(lowerCase) @IsIn(LOG_LEVELS) LOG_LEVEL = 'info';
}
