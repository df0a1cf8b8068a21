import type { SourceSettings } from '@gateway/contracts';

/** The addresses TradingView posts webhooks from (docs/contract.md 1.1b); TRADINGVIEW_IPS may replace them. */
export const TRADINGVIEW_ADDRESSES = ['52.89.214.238', '34.212.75.30', '54.218.53.128', '52.32.178.7'];

/**
 * The token profile TradingView is served with under `TRADINGVIEW_AUTH=token`: it cannot set
 * headers, so its alerts carry a passphrase. `{{timenow}}` is when the alert fired; `{{time}}` is
 * the bar's open, which can be hours old, so it counts only when `timenow` is absent.
 */
export const TRADINGVIEW_TOKEN = {
  scheme: 'token',
  field: 'passphrase',
  timeFields: ['timenow', 'time'],
  addresses: TRADINGVIEW_ADDRESSES,
} as const;

/** How TradingView's senders prove who they are: the gateway's HMAC by default, else the token profile. */
export const TRADINGVIEW_VERIFICATION = ['hmac', TRADINGVIEW_TOKEN] as const;

/**
 * The variables of the TradingView source (docs/contract.md 1.1b and section 5):
 * `TRADINGVIEW_AUTH` (`hmac` or `token`, default `hmac`) picks the verification;
 * under `token`, `TRADINGVIEW_PASSPHRASE` (or `TRADINGVIEW_PASSPHRASE_FILE`, reloaded on change)
 * holds the passphrases and `TRADINGVIEW_IPS` may replace the addresses above.
 */
export const TRADINGVIEW_SETTINGS: SourceSettings = {
  route: 'tradingview',
  verification: TRADINGVIEW_VERIFICATION,
  verificationVariable: 'TRADINGVIEW_AUTH',
  token: { passphrasesVariable: 'TRADINGVIEW_PASSPHRASE', addressesVariable: 'TRADINGVIEW_IPS' },
};
