import { applyDecorators, Post, UseGuards } from '@nestjs/common';
import {
  HmacSignatureGuard,
  ReplayGuard,
  SourceAllowlistGuard,
  SourceRateLimitGuard,
} from '@gateway/security';
import { SourceRouteGuard } from '@gateway/sources-core';

/**
 * A webhook route and its gates, in order: a known source and media type (404/415), a valid
 * signature (401), a fresh timestamp and unused nonce (401), an allowed source (400/403), and the
 * source's rate (429). Only then is the payload normalized and published.
 */
export const WebhookRoute = (): MethodDecorator =>
  applyDecorators(
    Post(':source'),
    UseGuards(SourceRouteGuard, HmacSignatureGuard, ReplayGuard, SourceAllowlistGuard, SourceRateLimitGuard),
  );
