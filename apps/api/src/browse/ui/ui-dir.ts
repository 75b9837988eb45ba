import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const UI_DIR = Symbol.for('tag-history.ui-dir');

/** `dist/ui` of this checkout, where `npm run build` puts the page, from the sources and from `dist/` alike. */
export function defaultUiDir(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'ui');
  }
  return join(from, 'ui');
}
