import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessGuard } from './access.guard';
import { ACCESS_OPTIONS, type AccessOptions } from './access-options';
import { TrustPolicy } from './trust-policy';

/** Bearer tokens for every route (one global guard) and the trust policy for client-signed tags. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AccessOptions): DynamicModule {
    return {
      module: AuthModule,
      providers: [
        { provide: ACCESS_OPTIONS, useValue: options },
        { provide: TrustPolicy, useValue: options.trust },
        { provide: APP_GUARD, useClass: AccessGuard },
      ],
      exports: [TrustPolicy],
    };
  }
}
