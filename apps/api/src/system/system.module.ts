import { Module } from '@nestjs/common';
import { ApiVersionController } from './api-version.controller';
import { HealthController } from './health.controller';
import { JwksController } from './jwks.controller';
import { OpenApiController } from './openapi.controller';

/** Liveness, readiness, the public signing keys, the API description and the distribution API's base endpoint. */
@Module({ controllers: [HealthController, JwksController, ApiVersionController, OpenApiController] })
export class SystemModule {}
