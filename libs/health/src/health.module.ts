import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { ShutdownState } from './shutdown.state';

/** `/healthz` (liveness) and `/readyz` (readiness) for load balancers and Kubernetes. */
@Module({ controllers: [HealthController], providers: [ShutdownState], exports: [ShutdownState] })
export class HealthModule {}
