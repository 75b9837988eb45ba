/** The layers (issue 16): checked by `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'libs/domain imports no framework, no driver and no other lib: only itself and Node built-ins.',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: '[.]spec[.]ts$' },
      to: { pathNot: ['^libs/domain/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'libs-do-not-import-nest',
      comment: 'Nest adapters (handlers, modules, injectables) live in apps/; libs are plain functions and types.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '@nestjs/' },
    },
    {
      name: 'use-cases-stand-alone',
      comment: "A use-case folder (command, handler, controller, request side by side) imports no other use case's files; what two share lives beside them.",
      severity: 'error',
      from: { path: '^apps/api/src/([^/]+)/([^/]+)/' },
      to: { path: '^apps/api/src/[^/]+/[^/]+/[^/]+[.](controller|handler|command|request)[.]ts$', pathNot: '^apps/api/src/$1/$2/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|apps/ui)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
