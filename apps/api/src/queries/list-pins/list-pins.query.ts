import { Query } from '@nestjs/cqrs';

export interface PinView {
  digest: string;
  reason: string;
  pinnedBy: string;
  pinnedAt: string;
  position: number;
}

export interface PinPage {
  name: string;
  pins: PinView[];
  /** True when pins after the last one returned remain. */
  more: boolean;
}

/** The manifests of a repository pinned now, in digest order. */
export class ListPinsQuery extends Query<PinPage> {
  constructor(
    readonly repository: string,
    readonly n: number,
    readonly last?: string,
  ) {
    super();
  }
}
