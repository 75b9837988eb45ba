import { Inject, Injectable } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import { IntegratorLoop } from '../infrastructure/transparency/integrator-loop';
import { type InclusionProof, LogReader } from '../infrastructure/transparency/log-reader';

export interface EventProofs {
  /** The signed checkpoint the proofs are against, as GET /v2/_log/checkpoint serves it. */
  checkpoint: string;
  inclusion: InclusionProof[];
}

/** `?proof=true`: true; absent or `false`: false. */
export function parseProofFlag(value: unknown): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new TagHistoryError('PARAMETER_INVALID', 'proof must be true or false', { proof: value });
}

/** An answer with its proofs; a signed tag (a JWS, not JSON) has no place for them. */
export function withProofs(body: unknown, proofs: EventProofs): object {
  if (typeof body !== 'object' || body === null) {
    throw new TagHistoryError('PARAMETER_INVALID', 'proof=true needs a JSON answer: ask for it in Accept', {});
  }
  return { ...body, proof: proofs };
}

/** Inclusion proofs for the events an answer shows, against one checkpoint that contains them all. */
@Injectable()
export class EventProofService {
  constructor(
    @Inject(LogReader) private readonly log: LogReader,
    @Inject(IntegratorLoop) private readonly integrator: IntegratorLoop,
  ) {}

  async prove(positions: number[]): Promise<EventProofs> {
    const wanted = [...new Set(positions)].sort((a, b) => a - b);
    let checkpoint = await this.log.checkpoint();
    // Events appended since the last integration are integrated now rather than shown without a proof.
    if (!checkpoint || checkpoint.size < (wanted[wanted.length - 1] ?? 0)) {
      await this.integrator.integrateNow();
      checkpoint = await this.log.checkpoint();
    }
    return { checkpoint: checkpoint!.note, inclusion: await this.log.inclusions(wanted, checkpoint!.size) };
  }
}
