#!/usr/bin/env node
// The `shotmatrix` CLI runs from its TypeScript source, like the API and the worker.
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
require('../apps/cli/src/main.ts');
