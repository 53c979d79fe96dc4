/**
 * Where the project's files are (schema.graphql, migrations/, dashboard/, data/, src/db's
 * pglite-init.mjs): the folder of the nearest package.json above this module. The same answer
 * whether this runs from src/ (tsx, in development) or from the compiled dist/src/.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function projectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = projectRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, from its root (`projectPath('migrations')`). */
export function projectPath(...parts: string[]): string {
  return path.join(PROJECT_ROOT, ...parts);
}
