import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { JwksController } from './jwks.controller';

/** Liveness, readiness and the public signing keys. */
@Module({ controllers: [HealthController, JwksController] })
export class SystemModule {}
