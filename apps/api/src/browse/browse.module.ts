import { type DynamicModule, Module } from '@nestjs/common';
import { browseQueryHandlers } from '../queries';
import { ReadEventController } from './read-event/read-event.controller';
import { RepositoriesController } from './repositories/repositories.controller';
import { TimelineController } from './timeline/timeline.controller';
import { UI_DIR } from './ui/ui-dir';
import { UiController } from './ui/ui.controller';

/** The audit page at /ui/ and the few reads it needs beyond the history API. */
@Module({})
export class BrowseModule {
  static forRoot(uiDir: string): DynamicModule {
    return {
      module: BrowseModule,
      controllers: [UiController, RepositoriesController, TimelineController, ReadEventController],
      providers: [{ provide: UI_DIR, useValue: uiDir }, ...browseQueryHandlers],
    };
  }
}
