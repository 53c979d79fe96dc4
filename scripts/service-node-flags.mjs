// The node flags of the service: `node scripts/service-node-flags.mjs`
// prints them (npm start: `node $(node scripts/service-node-flags.mjs) scripts/start.mjs main`), and
// the benchmarks run it with the service's environment to start the service the same way.
//
// 2 MB semi-spaces instead of V8's default of up to 16 MB: about 40 MB less for the main thread and
// tsx's loader thread, which the PGlite memory targets need, and the paper-scale target (under 400 MB)
// on PostgreSQL too. 8 MB with PostgreSQL was measured (bench/judge-cpu.ts, npm run bench -- --only
// paper): 20% less service CPU at 59,280 judgments but 0-10% at 592,500, where the service's peak RSS
// rose by 30-45 MB, to 402-408 MB while the exports streamed. One value for both, kept here, where a
// future choice by database belongs.
import { pathToFileURL } from 'node:url';

/** The flags for an environment (today the same whichever the database). */
export function serviceNodeFlags(env) {
  void env;
  return ['--max-semi-space-size=2'];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(serviceNodeFlags(process.env).join(' '));
}
