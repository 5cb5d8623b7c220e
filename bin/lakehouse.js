#!/usr/bin/env node
// The `lakehouse` CLI. tsx transpiles the TypeScript sources on load so the CLI
// runs straight from a clone after `npm ci`, with no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
