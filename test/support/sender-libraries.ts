import { execFileSync } from 'node:child_process';
import Stripe from 'stripe';

/**
 * Signatures made by the senders' own libraries, not by code of ours: what GitHub, Stripe and a
 * Standard Webhooks sender really put on the wire (`standardwebhooks` is used by scheme-signing.ts).
 */

// @octokit/webhooks-methods is an ES module only, which jest's CommonJS runtime cannot load:
// it signs in a node of its own, the body on stdin and the secret in the environment.
const OCTOKIT_SIGN = `
import { sign } from '@octokit/webhooks-methods';
let body = '';
for await (const chunk of process.stdin) body += chunk;
process.stdout.write(await sign(process.env.SECRET, body));
`;

/** `X-Hub-Signature-256` as GitHub's own @octokit/webhooks-methods computes it (`sha256=<hex>`). */
export function octokitSignature(secret: string, body: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', OCTOKIT_SIGN], {
    input: body,
    env: { ...process.env, SECRET: secret },
    encoding: 'utf8',
  });
}

/** A GitHub delivery: the library's signature, the delivery id and the event name GitHub sends. */
export function githubDelivery(secret: string, body: string, delivery: string): Record<string, string> {
  return {
    'x-hub-signature-256': octokitSignature(secret, body),
    'x-github-delivery': delivery,
    'x-github-event': 'signal',
  };
}

// The SDK's webhook helpers make no request: the key is never used.
const stripe = new Stripe('sk_test_unused');

/** `Stripe-Signature` as the Stripe SDK writes it for `timestamp` (Unix seconds; now by default). */
export function stripeDelivery(secret: string, body: string, timestamp?: number): Record<string, string> {
  return {
    'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp }),
  };
}
