import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_DATABASE, startTestApp, TEST_DB } from '../helpers/app.js';
import type { TestApp } from '../helpers/app.js';
import { jsonOf, runCli } from '../helpers/cli.js';

const OPERATOR = 'cli-operator-0123456789abcdef';
const READER = 'cli-reader-0123456789abcdef01';

describe.skipIf(NO_DATABASE)(`the ste command line with API tokens (${TEST_DB})`, () => {
  let app: TestApp;
  let dir: string;

  beforeAll(async () => {
    app = await startTestApp({ API_TOKENS: `operator:${OPERATOR},reader:${READER}` });
    dir = await mkdtemp(path.join(tmpdir(), 'ste-cli-auth-'));
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says in one line that a token is needed, or that the one given is refused or too weak', async () => {
    const none = await runCli(['experiment', 'list'], app.url);
    expect([none.code, none.stderr]).toEqual([1, 'ste: the server requires a token: pass --token or set STE_TOKEN\n']);
    const wrong = await runCli(['experiment', 'list', '--token', `${OPERATOR}x`], app.url);
    expect([wrong.code, wrong.stderr]).toEqual([1, 'ste: the server refused the token: check --token or STE_TOKEN\n']);
    const reader = await runCli(['experiment', 'create', 'x'], app.url, { STE_TOKEN: READER });
    expect([reader.code, reader.stderr]).toEqual([1, 'ste: createExperiment needs the operator role; the token has reader\n']);
  });

  it('sends the token on HTTP and in connection_init: a whole loop runs and is followed', async () => {
    const env = { STE_TOKEN: OPERATOR };
    const created = jsonOf<{ id: string }>(await runCli(['experiment', 'create', 'tokened', '--samples', '1', '--json'], app.url, env));
    const file = path.join(dir, 'three.jsonl');
    await writeFile(file, (await readFile('data/instructions/mt-bench-questions.jsonl', 'utf8')).split('\n').slice(0, 3).join('\n'));
    expect((await runCli(['import', 'instructions', file, '--experiment', created.id], app.url, env)).code).toBe(0);
    const loop = await runCli(['loop', created.id, '--iterations', '1', '--poll-ms', '200', '--json'], app.url, env);
    expect(loop.code).toBe(0);
    const result = jsonOf<{ iterations: { id: string; stats: { judgments: number } }[] }>(loop);
    const watch = jsonOf<{ received: { judgments: number } }>(await runCli(['watch', result.iterations[0]!.id, '--json'], app.url, { STE_TOKEN: READER }));
    expect(watch.received.judgments).toBe(result.iterations[0]!.stats.judgments);
  });
});
