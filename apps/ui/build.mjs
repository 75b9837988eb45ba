// Builds the audit page into one flat folder (default dist/ui): each TypeScript module
// compiled and minified by swc to a native ES module, plus the HTML and CSS as they are.
// No bundler: the browser loads the few modules itself, all from this service.
import { transformFileSync } from '@swc/core';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, '../../dist/ui'));
mkdirSync(out, { recursive: true });
const modules = readdirSync(join(here, 'src')).filter((f) => f.endsWith('.ts'));
for (const file of modules) {
  const { code } = transformFileSync(join(here, 'src', file), {
    swcrc: false,
    minify: true,
    module: { type: 'es6' },
    jsc: { target: 'es2022', parser: { syntax: 'typescript' }, minify: { compress: true, mangle: true } },
  });
  writeFileSync(join(out, `${basename(file, '.ts')}.js`), code);
}
for (const file of ['style.css', 'icon.svg']) copyFileSync(join(here, file), join(out, file));
// Every module is announced up front, so the browser fetches them in parallel instead of import by import.
const preload = modules.map((f) => `<link rel="modulepreload" href="${basename(f, '.ts')}.js">`).join('\n  ');
writeFileSync(join(out, 'index.html'), readFileSync(join(here, 'index.html'), 'utf8').replace('<!-- modulepreload -->', preload));
