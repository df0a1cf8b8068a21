import { ConfigError } from './config-error';
import { loadAtStartup } from './startup';

describe('loadAtStartup', () => {
  it('gives the configuration', () => {
    expect(loadAtStartup('app', () => 42)).toEqual({ ok: true, config: 42 });
  });

  it('turns a ConfigError into the one line main.ts prints before it exits', () => {
    const failed = loadAtStartup('at-x', () => {
      throw new ConfigError('PORT must be an integer', 'PORT');
    });
    expect(failed).toEqual({ ok: false, line: 'at-x: invalid configuration: PORT must be an integer' });
  });

  it('prefixes every line of a ConfigError that names several mistakes', () => {
    const failed = loadAtStartup('at-x', () => {
      throw new ConfigError('SOURCE_POLICY a: burst must be an integer\nSOURCE_POLICY names b twice');
    });
    expect(failed).toEqual({
      ok: false,
      line: 'at-x: invalid configuration: SOURCE_POLICY a: burst must be an integer\nat-x: invalid configuration: SOURCE_POLICY names b twice',
    });
  });

  it('lets any other error (a bug) through', () => {
    expect(() =>
      loadAtStartup('app', () => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
  });
});
