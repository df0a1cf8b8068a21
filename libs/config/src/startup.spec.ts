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

  it('lets any other error (a bug) through', () => {
    expect(() =>
      loadAtStartup('app', () => {
        throw new TypeError('boom');
      }),
    ).toThrow(TypeError);
  });
});
