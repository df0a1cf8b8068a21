export * from './security.module';
export * from './security.options';
export { HmacSignatureGuard } from './signature/hmac-signature.guard';
export { verifyGatewaySignature, verifyStandardSignature } from './signature/hmac-signature';
export { ReplayGuard } from './replay.guard';
export { SourceAllowlistGuard } from './source-allowlist.guard';
export { SourceRateLimitGuard } from './rate-limit/source-rate-limit.guard';
export { TokenBucketStorage } from './rate-limit/token-bucket.storage';
