import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UI_DIR } from './ui-dir';
import { Api } from '../../http/openapi/api';
import { Text } from '../../http/openapi/schemas';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
// Only what the build writes: flat names, no dots but the extension, so no path can leave the folder.
const ASSET = /^[a-z0-9-]+\.(?:html|js|css|svg|png)$/;
// The page loads nothing from anywhere else: no CDN, no inline script, and it cannot be framed.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The audit page (`/ui/` is rewritten to `/ui/index.html`, see rewrite-url.ts): static files built by `npm run build` into dist/ui, public like the JWKS (the data behind it is not). */
@Controller()
export class UiController {
  constructor(@Inject(UI_DIR) private readonly dir: string) {}

  @Get('ui')
  @Api({ summary: 'The audit page', responses: { 301: { description: 'To /ui/', headers: ['location'], content: {} } } })
  redirect(@Res() reply: FastifyReply): void {
    void reply.redirect('/ui/', 301);
  }

  @Get('ui/:file')
  @Api({
    summary: "The audit page's files",
    responses: { 200: { content: { 'text/html': Text, 'text/javascript': Text, 'text/css': Text, 'image/svg+xml': Text, 'image/png': Text } } },
  })
  asset(@Param('file') file: string, @Res() reply: FastifyReply): Promise<void> {
    return this.serve(file, reply);
  }

  private async serve(file: string, reply: FastifyReply): Promise<void> {
    if (!ASSET.test(file)) throw new TagHistoryError('NOT_FOUND', `no such file in the audit page: ${file}`, { file });
    const body = await readFile(join(this.dir, file)).catch(() => {
      throw new TagHistoryError('NOT_FOUND', `${file} is not built: run npm run build`, { file });
    });
    void reply
      .header('content-type', TYPES[extname(file)]!)
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .send(body);
  }
}
