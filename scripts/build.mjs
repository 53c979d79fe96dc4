// `npm run build` (and npm's `prepare`, run by `npm ci`): compiles src/ into dist/.
import { build } from './dist.mjs';

try {
  build();
} catch (error) {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
