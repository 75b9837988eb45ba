import { CommandBus } from '@nestjs/cqrs';
import type { Config } from '@tag-history/config';
import { createApp } from '../../api/src/create-app';
import { seedDemo } from '../../api/src/demo/seed-demo';
import { openInfrastructure } from '../../api/src/infrastructure/open-infrastructure';

/**
 * `seed-demo`: fills an EMPTY store with weeks of realistic history for the
 * audit page, through the same commands as the API (signed, projected). The
 * events carry past times, which only an empty log can take without its
 * times going backwards, so a store with events is refused.
 */
export async function seedDemoCommand(config: Config, options: { json?: boolean }): Promise<void> {
  const infrastructure = await openInfrastructure(config);
  try {
    const head = await infrastructure.db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
    if (Number(head.position) > 0) throw new Error(`the store already holds ${head.position} events: seed-demo fills an empty store only`);
    let now = new Date();
    const app = await createApp(infrastructure, { clock: () => now, logger: false });
    try {
      const events = await seedDemo(app.get(CommandBus), { set: (t) => (now = t) }, new Date());
      if (options.json) console.log(JSON.stringify({ events }));
      else console.log(`seeded ${events} demo events; start the service and open /ui/`);
    } finally {
      await app.close();
    }
  } finally {
    await infrastructure.db.destroy();
  }
}
