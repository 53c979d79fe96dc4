// The node flags of the service, by the database it will use: `node scripts/service-node-flags.mjs`
// prints them (npm start: `node $(node scripts/service-node-flags.mjs) scripts/start.mjs main`), and
// the benchmarks run it with the service's environment to start the service the same way.
//
// With the embedded PGlite (no DATABASE_URL): 2 MB semi-spaces instead of V8's default of up to
// 16 MB, about 40 MB less for the main thread and tsx's loader thread, which the PGlite memory
// targets need. With PostgreSQL, 8 MB: 2 MB semi-spaces cost that service about 20% more CPU in a
// judge stage (scavenges), 8 MB about as little as V8's default, with a lower peak RSS than the
// default (bench/judge-cpu.ts, 59,280 judgments at the paper scenario's settings: CPU per 1,000
// judgments relative to the simulator's 3.85 at 2 MB, 3.07 at 8 MB, 3.27 at the default; peak RSS
// 272-318, 324-328 and 341-368 MB). At 592,500 judgments the gain is smaller (two pairs of runs:
// 5-10% of the service's CPU), for a peak RSS of 360-369 MB against 329-330 MB at 2 MB.
import { pathToFileURL } from 'node:url';

/** The flags for an environment; DATABASE_URL is read as src/config reads it (blank is unset). */
export function serviceNodeFlags(env) {
  return [`--max-semi-space-size=${env.DATABASE_URL?.trim() ? 8 : 2}`];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(serviceNodeFlags(process.env).join(' '));
}
