/**
 * `npm run sim`: the OpenAI-compatible simulator alone, on SIM_PORT (default 4010). With
 * SIM_STATE_DIR its fine-tuned models, files and jobs are kept in that folder across restarts.
 */
import { ConfigError, loadConfig } from '../config/index.js';
import { startSimulator } from './server.js';

let options;
try {
  options = loadConfig().simulator;
} catch (error) {
  process.stderr.write(`simulator: ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
const simulator = await startSimulator({ ...options, port: options.port ?? 4010 });
const kept = options.stateDir ? `models and files kept in ${options.stateDir}` : 'models and files in memory only: SIM_STATE_DIR keeps them';
// The URL stands alone, followed by a space: scripts take it from this line.
process.stdout.write(`simulator: OpenAI-compatible API at ${simulator.url} (${kept}; numbers from it show the machinery, not model quality)\n`);
const stop = () => {
  simulator.close().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
