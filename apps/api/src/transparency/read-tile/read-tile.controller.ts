import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import { decodeTileIndex, TILE_WIDTH } from '@tag-history/transparency';
import type { FastifyReply } from 'fastify';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { Api } from '../../http/openapi/api';
import { ARCHIVED, Text } from '../../http/openapi/schemas';

const IMMUTABLE = 'public, max-age=31536000, immutable';
// tile/<L>/<N>[.p/<W>] and tile/entries/<N>[.p/<W>], N in the x001/x234/067 form.
const TILE_PATH = /^(\d|entries)\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/;

/** C2SP tlog-tiles: hash tiles and entry bundles of the latest signed tree; full ones never change. */
@Controller()
export class ReadTileController {
  constructor(@Inject(LogReader) private readonly log: LogReader) {}

  @Get('v2/_log/tile/*')
  @Api({
    summary: 'A hash or entry tile (C2SP tlog-tiles)',
    responses: { 200: { content: { 'application/octet-stream': Text }, headers: ['cache-control'] }, 410: ARCHIVED },
  })
  async tile(@Param('*') path: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const match = TILE_PATH.exec(path);
    const index = match && decodeTileIndex(match[2]!);
    const width = match?.[3] === undefined ? TILE_WIDTH : Number(match[3]);
    if (!match || index === undefined || index === null || width < 1 || width >= (match[3] === undefined ? TILE_WIDTH + 1 : TILE_WIDTH)) {
      throw new TagHistoryError('NOT_FOUND', 'not a tile path: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]', { path });
    }
    const tile = match[1] === 'entries' ? await this.log.entries(index, width) : await this.log.tile(Number(match[1]), index, width);
    if (!tile) throw new TagHistoryError('NOT_FOUND', 'the signed tree has no such tile yet', { path });
    void reply.header('content-type', 'application/octet-stream');
    void reply.header('cache-control', width === TILE_WIDTH ? IMMUTABLE : 'no-cache');
    return tile;
  }
}
