import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering of ARCHITECTURE.md is enforced by eslint.config.js; these check that its rules
 * really fire, on deliberate violations, with the project's own configuration.
 */
describe('the layering rules', () => {
  // Type-aware rules need files in the TypeScript program; the virtual files below are not, and
  // the rules under test do not use types.
  const eslint = new ESLint({
    ignore: false,
    overrideConfig: {
      languageOptions: { parserOptions: { projectService: false, project: null } },
      rules: {
        '@typescript-eslint/no-floating-promises': 'off',
        '@typescript-eslint/await-thenable': 'off',
        '@typescript-eslint/no-misused-promises': 'off',
      },
    },
  });
  const restricted = async (filePath: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it('refuses a resolver that imports src/db', async () => {
    const messages = await restricted('src/resolvers/fixture.ts', "import { getStage } from '../db/stages-repo.js';\nexport const f = getStage;\n");
    expect(messages).toEqual([
      "'../db/stages-repo.js' import is restricted from being used by a pattern. Resolvers must not touch the database layer: go through a service in src/services.",
    ]);
  });

  it.each([
    ['src/sim/fixture.ts', "import { PipelineService } from '../services/loop/pipeline.js';\nexport const p = PipelineService;\n", 'The simulator stands alone'],
    ['src/config/fixture.ts', "import { createLlmClient } from '../llm/index.js';\nexport const c = createLlmClient;\n", 'src/config is a leaf'],
    ['src/http/fixture.ts', "import * as stagesRepo from '../db/stages-repo.js';\nexport const s = stagesRepo;\n", 'The HTTP layer reaches data only through services'],
    ['src/services/fixture.ts', "import OpenAI from 'openai';\nexport const o = OpenAI;\n", 'Only src/llm talks to model endpoints'],
    ['src/domain/fixture.ts', "import { sql } from 'drizzle-orm';\nexport const q = sql;\n", 'src/domain is the shared vocabulary'],
    ['src/db/fixture.ts', "import { PipelineService } from '../services/loop/pipeline.js';\nexport const p = PipelineService;\n", 'The db layer is the bottom layer'],
  ])('refuses %s reaching past its layer', async (filePath, code, reason) => {
    const messages = await restricted(filePath, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(reason);
  });

  it('lets src/llm import openai and services import the llm client', async () => {
    expect(await restricted('src/llm/fixture.ts', "import OpenAI from 'openai';\nexport const o = OpenAI;\n")).toEqual([]);
    expect(await restricted('src/services/fixture.ts', "import { createLlmClient } from '../llm/index.js';\nexport const c = createLlmClient;\n")).toEqual([]);
  });

  it('finds an import cycle', async () => {
    const [result] = await eslint.lintFiles(['test/fixtures/lint/cycle-a.ts']);
    expect(result!.messages.map((m) => m.ruleId)).toEqual(['import-x/no-cycle']);
  });
});
