#!/usr/bin/env node
// CDK app entry (cdk.json "app"): TypeScript sources compile on load through tsx.
require('tsx/cjs/api').register();
require('./cdk-app.ts');
