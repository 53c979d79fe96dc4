#!/usr/bin/env node
// `ste`, the operator CLI (src/cli/main.ts). The project runs TypeScript through tsx, so this
// shim registers tsx's ESM loader in-process (tsx/esm/api, works on Node 20.6+) and imports the
// entry point: one process, no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
