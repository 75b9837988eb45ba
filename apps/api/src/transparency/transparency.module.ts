import { type DynamicModule, Module } from '@nestjs/common';
import type { Clock } from '../infrastructure/clock';
import type { Infrastructure } from '../infrastructure/open-infrastructure';
import { IntegratorLoop } from '../infrastructure/transparency/integrator-loop';
import { INTEGRATION_BATCH, LogIntegrator } from '../infrastructure/transparency/log-integrator';
import { LOG_KEYS } from '../infrastructure/transparency/log-keys';
import { LogReader } from '../infrastructure/transparency/log-reader';
import { TileCache } from '../infrastructure/transparency/tile-cache';
import { TilePreloader } from '../infrastructure/transparency/tile-preloader';
import { EventProofService } from './event-proofs';
import { AddCosignaturesController } from './add-cosignatures/add-cosignatures.controller';
import { GetCheckpointController } from './get-checkpoint/get-checkpoint.controller';
import { GetLogKeyController } from './get-log-key/get-log-key.controller';
import { ProveConsistencyController } from './prove-consistency/prove-consistency.controller';
import { ProveInclusionController } from './prove-inclusion/prove-inclusion.controller';
import { ReadTileController } from './read-tile/read-tile.controller';

/** The transparency log: a Merkle tree over the event log, signed checkpoints, proofs and tiles. */
@Module({})
export class TransparencyModule {
  static forRoot(infrastructure: Infrastructure, clock: Clock): DynamicModule {
    // One set of tiles in memory: the integrator hands over what it built, the proofs read it.
    const tiles = new TileCache(infrastructure.tileCacheBytes);
    const integrator = new LogIntegrator(infrastructure.db, infrastructure.logKeys, clock, INTEGRATION_BATCH, tiles);
    const loop = new IntegratorLoop(infrastructure.db, integrator, infrastructure.logKeys.intervalMs, clock);
    const providers = [
      { provide: LOG_KEYS, useValue: infrastructure.logKeys },
      { provide: LogReader, useValue: new LogReader(infrastructure.db, tiles) },
      { provide: IntegratorLoop, useValue: loop },
      { provide: TilePreloader, useValue: new TilePreloader(infrastructure.db, tiles) },
      EventProofService,
    ];
    return {
      module: TransparencyModule,
      global: true,
      controllers: [
        GetCheckpointController,
        GetLogKeyController,
        ProveInclusionController,
        ProveConsistencyController,
        ReadTileController,
        AddCosignaturesController,
      ],
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
