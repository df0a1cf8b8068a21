export * from './security.module';
export * from './security.options';
export { WebhookAuthGuard } from './webhook-auth.guard';
export { gatewaySignatureKeys, standardSignatureKeys } from './signature/hmac-signature';
export { AddressAllowlist } from './token/address-allowlist';
export { ReplayGuard } from './replay.guard';
export { SourceAllowlistGuard } from './source-allowlist.guard';
export { SourceRateLimitGuard } from './rate-limit/source-rate-limit.guard';
export { TokenBucketStorage } from './rate-limit/token-bucket.storage';
