import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from '../results';
import { toMarkdown } from './markdown';
import { toSvg } from './svg-chart';

/** bench/results/<timestamp>.{json,md,svg} and a `latest` copy of each. */
export function writeResults(dir: string, results: BenchResults): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const files: [string, string][] = [
    ['json', `${JSON.stringify(results, null, 2)}\n`],
    ['md', toMarkdown(results)],
    ['svg', toSvg(results.series, 'Cost per operation against log size (32 clients)')],
  ];
  const written: string[] = [];
  for (const [ext, content] of files) {
    if (content === '') continue;
    const file = join(dir, `${stamp}.${ext}`);
    writeFileSync(file, content);
    copyFileSync(file, join(dir, `latest.${ext}`));
    written.push(file);
  }
  return written;
}
