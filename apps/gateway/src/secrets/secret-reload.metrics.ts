import { makeCounterProvider } from '@willsoto/nestjs-prometheus';

export const SECRET_RELOADS_TOTAL = 'gateway_secret_reloads_total';
export const SECRET_RELOAD_ERRORS_TOTAL = 'gateway_secret_reload_errors_total';

export const secretReloadMetricProviders = [
  makeCounterProvider({
    name: SECRET_RELOADS_TOTAL,
    help: 'Secret reloads that put new keys in force, by the variable whose file changed (or all, on SIGHUP).',
    labelNames: ['variable'],
  }),
  makeCounterProvider({
    name: SECRET_RELOAD_ERRORS_TOTAL,
    help: 'Secret reloads refused (file unreadable, empty or malformed): the last good keys stay in force.',
    labelNames: ['variable'],
  }),
];
