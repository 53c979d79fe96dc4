/**
 * `npm run backup -- FILE` and `npm run restore -- FILE`: a backup of the embedded database in
 * DATA_DIR (default ./.data) to FILE, and its restore into DATA_DIR, which must be new or empty.
 * Both refuse while a service uses the folder. Exit codes: 0 done, 1 failure (one line on
 * stderr), 2 usage error.
 */
import { ConfigError, loadConfig } from './config/index.js';
import { BackupError, backupDataDir, restoreDataDir } from './db/backup.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { inMemory } from './db/database.js';

const USAGE = 'usage: npm run backup -- FILE | npm run restore -- FILE (the database is the one in DATA_DIR, default ./.data)';

async function main(argv: string[]): Promise<number> {
  const [command, file, ...rest] = argv;
  if ((command !== 'backup' && command !== 'restore') || !file || rest.length > 0 || file.startsWith('-')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(process.env, []);
  if (config.database.kind !== 'pglite' || inMemory(config.database.dataDir)) {
    throw new ConfigError(`${command} is for the embedded database in a folder (DATA_DIR); with DATABASE_URL use PostgreSQL's pg_dump and pg_restore`);
  }
  const dataDir = config.database.dataDir;
  if (command === 'backup') {
    const { bytes } = await backupDataDir(dataDir, file);
    process.stdout.write(`backed up the embedded database in ${dataDir} to ${file} (${megabytes(bytes)})\n`);
  } else {
    const { bytes } = await restoreDataDir(file, dataDir);
    process.stdout.write(`restored ${file} into ${dataDir} (${megabytes(bytes)}); start the service with DATA_DIR=${dataDir}\n`);
  }
  return 0;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const known = error instanceof ConfigError || error instanceof BackupError || error instanceof DataDirLockedError;
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`self-taught-evaluator: ${known ? message : `failed: ${message}`}\n`);
  process.exitCode = 1;
}
