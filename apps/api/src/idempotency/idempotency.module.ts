import { Global, Module } from '@nestjs/common';
import { Idempotency } from './idempotency';

/** `Idempotency-Key` for every write endpoint (see idempotency.ts). */
@Global()
@Module({ providers: [Idempotency], exports: [Idempotency] })
export class IdempotencyModule {}
