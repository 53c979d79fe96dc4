/**
 * The CLI sends only the named documents of src/cli/operations (typed by codegen): the client's
 * types refuse anything else, and every document there is sent by some command.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const OPERATIONS = path.join(ROOT, 'src/cli/operations');

/** Type-checks one module that exists only in memory, beside this test, with the project's compiler options. */
function typeErrors(source: string): string[] {
  const file = path.join(ROOT, 'test/unit/cli-operations.fixture.ts');
  const tsconfig = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
  const { options } = ts.parseJsonConfigFileContent(tsconfig.config, ts.sys, ROOT);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile: read } = host;
  host.fileExists = (f) => f === file || fileExists.call(host, f);
  host.readFile = (f) => (f === file ? source : read.call(host, f));
  host.getSourceFile = (f, language, ...rest) => (f === file ? ts.createSourceFile(f, source, language) : getSourceFile.call(host, f, language, ...rest));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${path.relative(ROOT, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '-';
    return `${where} TS${d.code}`;
  });
}

/** Lines 4-8 use the client as the commands do; 10-16 try what it must refuse. */
const FIXTURE = `import type { ApiClient } from '../../src/cli/client.js';
import { ExperimentNameDocument, StageUpdatedDocument } from '../../generated/cli-operations.js';

export async function accepted(api: ApiClient): Promise<string | undefined> {
  const data = await api.request(ExperimentNameDocument, { id: '1' });
  api.subscribe(StageUpdatedDocument, { experimentId: '1' }, { next: (d) => void d.stageUpdated.done.toFixed(), error: () => {}, complete: () => {} });
  return data.experiment?.name;
}

export async function refused(api: ApiClient, id: string): Promise<void> {
  await api.request('query { experiments(first: 1) { totalCount } }', {});
  await api.request(\`query { experiment(id: \${id}) { name } }\`, {});
  api.subscribe('subscription { stageUpdated(experimentId: 1) { id } }', {}, { next: () => {}, error: () => {}, complete: () => {} });
  await api.request(ExperimentNameDocument, { experimentId: id });
  await api.request(ExperimentNameDocument, {});
}
`;

describe('the API client of the CLI', () => {
  let errors: string[] = [];
  beforeAll(() => {
    errors = typeErrors(FIXTURE);
  }, 60_000);

  it('takes a generated document with its variables, and types the result from it', () => {
    expect(errors.filter((e) => Number(/:(\d+) /.exec(e)![1]) < 10)).toEqual([]);
  });

  it('refuses a query or subscription built as a string, and variables the document does not declare', () => {
    // 2345: a string is not a TypedDocumentString, nor {} the variables { id }; 2353: an unknown variable.
    expect(errors).toEqual([
      'test/unit/cli-operations.fixture.ts:11 TS2345',
      'test/unit/cli-operations.fixture.ts:12 TS2345',
      'test/unit/cli-operations.fixture.ts:13 TS2345',
      'test/unit/cli-operations.fixture.ts:14 TS2353',
      'test/unit/cli-operations.fixture.ts:15 TS2345',
    ]);
  });
});

describe('src/cli/operations', () => {
  it('holds no operation the CLI does not send and no fragment no operation uses', async () => {
    const graphql = await Promise.all((await readdir(OPERATIONS)).filter((f) => f.endsWith('.graphql')).map((f) => readFile(path.join(OPERATIONS, f), 'utf8')));
    const documents = graphql.join('\n');
    const operations = [...documents.matchAll(/^(?:query|mutation|subscription) (\w+)/gm)].map((m) => m[1]!);
    const fragments = [...documents.matchAll(/^fragment (\w+) on /gm)].map((m) => m[1]!);
    expect(operations.length).toBeGreaterThan(30);
    const sources: string[] = [];
    for (const entry of await readdir(path.join(ROOT, 'src/cli'), { recursive: true })) {
      if (entry.endsWith('.ts')) sources.push(await readFile(path.join(ROOT, 'src/cli', entry), 'utf8'));
    }
    const code = sources.join('\n');
    expect(operations.filter((name) => !new RegExp(`\\b${name}Document\\b`).test(code))).toEqual([]);
    expect(fragments.filter((name) => !documents.includes(`...${name}`))).toEqual([]);
  });
});
