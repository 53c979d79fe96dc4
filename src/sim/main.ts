/** `npm run sim`: the OpenAI-compatible simulator alone, on SIM_PORT (default 4010). */
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
process.stdout.write(`simulator: OpenAI-compatible API at ${simulator.url} (numbers from it show the machinery, not model quality)\n`);
const stop = () => {
  simulator.close().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
