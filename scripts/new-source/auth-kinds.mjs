import { randomBytes } from 'node:crypto';
import { SENDER_SPECS } from './sender-specs.mjs';

/**
 * What differs between the verification kinds a generated source can declare: its declaration
 * and module, and how its end-to-end spec signs (the sender's way, from test/support).
 */
const hex = () => randomBytes(8).toString('hex');
const whsec = () => `whsec_${randomBytes(24).toString('base64')}`;

const signedBy = (helper, from) => ({
  SIGN_IMPORT: `import { post${from === 'signing' ? `, ${helper}` : ''} } from './support/signing';\n${
    from === 'signing' ? '' : `import { ${helper} } from './support/${from}';\n`
  }`,
});

const hmacLike = (secret, helper, from) => ({
  SECRET_CONST: `const SOURCE_SECRET = '${secret}';\n`,
  ENV: 'SOURCE_HMAC_SECRETS: `__ID__:${SOURCE_SECRET}`',
  ...signedBy(helper, from),
  SIGN: `${helper}(SOURCE_SECRET, body)`,
  BAD_SIGN: `${helper}('${secret.startsWith('whsec_') ? whsec() : 'not-the-secret'}', body)`,
  BAD_BODY: 'body',
  BAD_STATUS: '401',
  BAD_CODE: 'invalid_signature',
  BAD_WHAT: 'signed with a secret that is not its own',
});

const none = {
  NORMALIZER_PRELUDE: '',
  NORMALIZER_IMPORTS_MORE: '',
  MODULE_IMPORTS: '',
  MODULE_PROVIDERS: '',
  SOURCE_PRELUDE: '',
  SOURCE_FIELDS: '',
  EXTRA_DROPPED: '',
  SCHEMA_MORE: '',
  SPEC_SECRET: '',
  SPEC_SECRET_OPTION: '',
  BODY_MORE: '',
  RAW_CHECK: '',
};

/** Each kind by its `--auth` name. */
export const AUTH_KINDS = {
  hmac: () => ({
    ...none,
    ...SENDER_SPECS.hmac,
    VERIFICATION: "'hmac'",
    VERIFICATION_WORDS: "the gateway's HMAC signature (X-Signature, or Standard Webhooks)",
    ...hmacLike(`source-secret-${hex()}`, 'signed', 'signing'),
  }),
  'standard-webhooks': () => ({
    ...none,
    ...SENDER_SPECS['standard-webhooks'],
    VERIFICATION: "'standard-webhooks'",
    VERIFICATION_WORDS: 'Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)',
    ...hmacLike(whsec(), 'standardSigned', 'scheme-signing'),
  }),
  token: () => ({
    ...none,
    ...SENDER_SPECS.token,
    VERIFICATION: 'TOKEN',
    VERIFICATION_WORDS: 'its address and a passphrase in the body (a token profile)',
    SOURCE_PRELUDE: `
/**
 * Its sender cannot sign, so it is known by its address and a passphrase in the body, which is cut
 * out of every event. Put the addresses your sender publishes here: loopback only until then, so
 * nothing from outside this host gets in. The passphrases come from SOURCE_PASSPHRASES.
 */
const TOKEN = {
  scheme: 'token',
  field: 'passphrase',
  timeFields: ['fired_at'],
  addresses: ['127.0.0.1', '::1'],
} as const;
`,
    NORMALIZER_PRELUDE: `
/** Body fields that carry a secret: cut out of the raw event, and never copied into \`extra\`. */
export const __CONST___SECRET_FIELDS = ['passphrase'];
`,
    NORMALIZER_IMPORTS_MORE: ', __CONST___SECRET_FIELDS',
    SOURCE_FIELDS: '  readonly secretFields = __CONST___SECRET_FIELDS;\n',
    EXTRA_DROPPED: '__CONST___SECRET_FIELDS',
    SCHEMA_MORE: `,
    "passphrase": { "description": "the token profile's passphrase: never published", "type": "string" }`,
    SPEC_SECRET: ", passphrase: 'pp'",
    SPEC_SECRET_OPTION: ', { secretFields: __CONST___SECRET_FIELDS }',
    SECRET_CONST: `const PASSPHRASE = 'passphrase-${hex()}';\n`,
    ENV: 'SOURCE_PASSPHRASES: `__ID__:${PASSPHRASE}`',
    SIGN_IMPORT: "import { post } from './support/signing';\n",
    BODY_MORE: '\n    passphrase: PASSPHRASE,',
    RAW_CHECK: '\n    expect(JSON.stringify(stored)).not.toContain(PASSPHRASE);',
    SIGN: '{}',
    BAD_SIGN: '{}',
    BAD_BODY: "body.replace(PASSPHRASE, 'not-the-passphrase')",
    BAD_STATUS: '401',
    BAD_CODE: 'invalid_passphrase',
    BAD_WHAT: 'a passphrase that is not its own',
  }),
  github: () => ({
    ...none,
    ...SENDER_SPECS.github,
    VERIFICATION: "'github'",
    VERIFICATION_WORDS: 'a GitHub-style signature (X-Hub-Signature-256, X-GitHub-Delivery)',
    MODULE_IMPORTS: "import { GithubSignatureVerifier } from '@gateway/sources-example-github';\n",
    MODULE_PROVIDERS: ', GithubSignatureVerifier',
    ...hmacLike(`source-secret-${hex()}`, 'githubSigned', 'scheme-signing'),
  }),
  stripe: () => ({
    ...none,
    ...SENDER_SPECS.stripe,
    VERIFICATION: "'stripe'",
    VERIFICATION_WORDS: 'a Stripe-style signature (Stripe-Signature: t=…,v1=…)',
    MODULE_IMPORTS: "import { StripeSignatureVerifier } from '@gateway/sources-example-stripe';\n",
    MODULE_PROVIDERS: ', StripeSignatureVerifier',
    ...hmacLike(whsec(), 'stripeSigned', 'scheme-signing'),
  }),
};
