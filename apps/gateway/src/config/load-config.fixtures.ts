import { ConfigError, loadConfig } from './load-config';

/** The ConfigError loadConfig throws for `env` (fails the test when it does not throw one). */
export function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}
