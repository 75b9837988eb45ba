import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import { NoteError, parseNote, parseSignatureLine } from '@tag-history/transparency';
import { LOG_KEYS, type LogKeys } from '../../infrastructure/transparency/log-keys';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { addCosignatures } from './add-cosignatures';
import { Api } from '../../http/openapi/api';
import { ERROR, Text } from '../../http/openapi/schemas';

/**
 * A witness's cosignature over a checkpoint: its signature lines alone (over
 * the latest checkpoint), or the checkpoint note with them. Kept and served
 * with that checkpoint when the key is one of LOG_WITNESSES and it verifies.
 */
@Controller()
export class AddCosignaturesController {
  constructor(
    @Inject(LOG_KEYS) private readonly keys: LogKeys,
    @Inject(LogReader) private readonly log: LogReader,
  ) {}

  @Post('v2/_log/cosignatures')
  @Api({
    summary: "Adds witnesses' cosignatures to a checkpoint",
    headers: ['content-type'],
    body: { 'text/plain': Text },
    responses: { 204: { description: 'Added' }, 409: ERROR },
  })
  @HttpCode(204)
  async add(@Body() body: unknown, @Headers('content-type') contentType: string | undefined): Promise<void> {
    if (!contentType?.toLowerCase().startsWith('text/plain')) {
      throw new TagHistoryError('UNSUPPORTED', 'content type must be text/plain', { contentType: contentType ?? null });
    }
    const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
    let checkpoint: string | undefined;
    let lines: string[];
    try {
      if (text.startsWith('\u2014 ')) {
        lines = text.split('\n').filter((l) => l !== '');
        lines.forEach(parseSignatureLine);
      } else {
        const note = parseNote(text);
        checkpoint = note.text;
        lines = note.signatures.map((s) => s.line);
      }
    } catch (error) {
      throw new TagHistoryError('BODY_INVALID', error instanceof NoteError ? error.message : 'body is not signature lines or a signed checkpoint', {});
    }
    await addCosignatures(this.log, this.keys, checkpoint, lines);
  }
}
