import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { ConfigError } from './config-error';

// A value of the wrong kind is reported as such, before any range it then also fails ("abc" is
// not "greater than 65535", it is not a number).
const KIND_CHECKS = ['isInt', 'isNumber', 'isString', 'isIn', 'matches', 'isNotEmpty'];

function firstMessage(errors: ValidationError[]): string {
  const [first] = errors;
  const constraints = first.constraints ?? {};
  const kind = KIND_CHECKS.find((name) => name in constraints);
  const message = (kind ? constraints[kind] : Object.values(constraints)[0]) ?? 'is invalid';
  return message.startsWith(first.property) ? message : `${first.property} ${message}`;
}

/**
 * Reads environment variables into a class whose fields are the variables, with class-validator
 * decorators and their defaults as initial values. An empty variable means "not set", so its
 * default applies. Throws a ConfigError naming the first bad variable.
 */
export function loadEnvironment<T extends object>(type: new () => T, source: NodeJS.ProcessEnv): T {
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const env = plainToInstance(type, given, { exposeDefaultValues: true });
  const errors = validateSync(env);
  if (errors.length > 0) throw new ConfigError(firstMessage(errors), errors[0].property);
  return env;
}

/** A comma-separated variable as its trimmed, non-empty items. */
export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
