import { Module } from '@nestjs/common';
import { ApiVersionController } from './api-version.controller';
import { HealthController } from './health.controller';
import { JwksController } from './jwks.controller';

/** Liveness, readiness, the public signing keys, and the distribution API's base endpoint. */
@Module({ controllers: [HealthController, JwksController, ApiVersionController] })
export class SystemModule {}
