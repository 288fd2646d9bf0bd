#!/usr/bin/env node
// The anygate CLI. Sources are TypeScript, compiled on load by tsx, so the CLI, the CDK app and
// user specs written in TypeScript all run without a build step.
require('tsx/cjs/api').register();
require('./cli.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
