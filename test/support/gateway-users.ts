import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** An admin beside the shipped users, for a test's own checks (reading the stream back). */
export const ADMIN = { user: 'admin', pass: 'admin-password' };

/**
 * deploy/nats/gateway-users.conf verbatim, with the passwords the server would take from its
 * environment, plus ADMIN: a nats-server configuration fragment.
 */
export function gatewayUsers(passwords: { gateway: string; replay?: string }): string {
  return readFileSync(join(__dirname, '../../deploy/nats/gateway-users.conf'), 'utf8')
    .replaceAll('$AT_GATEWAY_NATS_PASSWORD', `"${passwords.gateway}"`)
    .replaceAll('$AT_GATEWAY_DLQ_REPLAY_NATS_PASSWORD', `"${passwords.replay ?? 'not-used-here'}"`)
    .replace('users = [', `users = [\n { user: ${ADMIN.user}, password: "${ADMIN.pass}" }`);
}
