#!/usr/bin/env node
// The `lakehouse` CLI. tsx transpiles the TypeScript sources on load so the CLI
// runs straight from a clone after `npm ci`, with no build step to forget.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every start that releases after January 2027 will need Node 22; the pinned
// release supports Node 20, so the warning tells an operator nothing they can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../src/cli/main.ts');
