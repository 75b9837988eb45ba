#!/usr/bin/env node
// The operator CLI as `npx tag-history` (package.json "bin"); it runs the build in dist/.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(main)) {
  console.error('tag-history: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
require(main)
  .cli()
  .parseAsync()
  .catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
