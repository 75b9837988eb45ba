import { Module } from '@nestjs/common';
import { gcQueryHandlers } from '../queries';
import { CloseSweepController } from './close-sweep/close-sweep.controller';
import { CloseSweepHandler } from './close-sweep/close-sweep.handler';
import { GC_SETTINGS, loadGcSettings } from '@tag-history/config';
import { ListPinsController } from './list-pins/list-pins.controller';
import { PinManifestController } from './pin-manifest/pin-manifest.controller';
import { PinHandler } from './pin.handler';
import { ReferencedController } from './referenced/referenced.controller';
import { StartSweepController } from './start-sweep/start-sweep.controller';
import { StartSweepHandler } from './start-sweep/start-sweep.handler';
import { UnpinManifestController } from './unpin-manifest/unpin-manifest.controller';

/** Garbage-collection reachability: the referenced set, pins, and sweeps with leases. */
@Module({
  controllers: [ReferencedController, StartSweepController, CloseSweepController, PinManifestController, UnpinManifestController, ListPinsController],
  providers: [{ provide: GC_SETTINGS, useFactory: () => loadGcSettings() }, StartSweepHandler, CloseSweepHandler, PinHandler, ...gcQueryHandlers],
})
export class GcModule {}
