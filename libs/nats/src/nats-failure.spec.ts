import { causeOf, NatsFailure } from './nats-failure';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('causeOf: a bounded cause for every NATS failure', () => {
  it.each([
    [withCode('Authorization Violation', 'AUTHORIZATION_VIOLATION'), 'auth_refused'],
    [withCode('User Authentication Expired', 'AUTHENTICATION_EXPIRED'), 'auth_expired'],
    [withCode('not permitted to publish signals.raw', 'PERMISSIONS_VIOLATION'), 'permission'],
    [withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'tls'],
    [withCode('self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN'), 'tls'],
    [withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), 'tls'],
    [withCode('server does not support tls', 'SERVER_OPT_NA'), 'tls'],
    [withCode('connect ECONNREFUSED 127.0.0.1:4222', 'ECONNREFUSED'), 'unreachable'],
    [withCode('CONNECTION_REFUSED', 'CONNECTION_REFUSED'), 'unreachable'],
    [withCode('TIMEOUT', 'TIMEOUT'), 'jetstream_unavailable'],
    [new NatsFailure('stream_missing', 'stream x does not exist'), 'stream_missing'],
    [new Error('something else'), 'other'],
    [undefined, 'other'],
  ])('%p is %p', (err, cause) => {
    expect(causeOf(err)).toBe(cause);
  });
});
