import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AccessOptions } from '../../apps/api/src/auth/access-options';
import type { Clock } from '../../apps/api/src/infrastructure/clock';
import { createApp } from '../../apps/api/src/create-app';
import type { RegistryConfig } from '@tag-history/config';
import { assertContractKept, checkAnswers } from './contract';
import { createTestInfrastructure, type TestInfrastructure } from './test-infrastructure';

export interface TestApp {
  /** `http://127.0.0.1:<port>`: tests talk real HTTP to a listening server. */
  url: string;
  app: NestFastifyApplication;
  infrastructure: TestInfrastructure;
  close(): Promise<void>;
}

export async function startTestApp(options: { clock?: Clock; access?: AccessOptions; uiDir?: string; registry?: RegistryConfig } = {}): Promise<TestApp> {
  const infrastructure = await createTestInfrastructure();
  const app = await createApp(infrastructure, {
    clock: options.clock,
    logger: false,
    access: options.access,
    uiDir: options.uiDir,
    registry: options.registry,
  });
  const violations = checkAnswers(app.getHttpAdapter().getInstance());
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    infrastructure,
    close: async () => {
      await app.close();
      await infrastructure.close();
      assertContractKept(violations());
    },
  };
}
