/**
 * `ste`: the operator's command line for the Self-Taught Evaluator service. A client of the
 * public GraphQL API only (HTTP, graphql-ws, and the export URLs).
 *
 * Exit codes: 0 done, 1 failure (one line on stderr, `ste: ...`), 2 usage error, 130 interrupted.
 */
import { Command, CommanderError } from 'commander';
import { registerImportBenchmark } from './commands/benchmark.js';
import { registerBenchmark } from './commands/benchmark-info.js';
import { registerEvalInspect } from './commands/eval-inspect.js';
import { registerImportPool } from './commands/pool.js';
import { registerEval } from './commands/evaluate.js';
import { registerExperimentCommands } from './commands/experiment.js';
import { registerExport } from './commands/export.js';
import { registerImportInstructions } from './commands/import.js';
import { registerIteration } from './commands/iteration.js';
import { registerLoop } from './commands/loop.js';
import { registerRegister } from './commands/register.js';
import { createRunner } from './commands/runner.js';
import { registerStage } from './commands/stage.js';
import { registerWatch } from './commands/watch.js';
import { DEFAULT_URL } from './config.js';
import { CliError } from './errors.js';

export function buildProgram(signal: AbortSignal): Command {
  const run = createRunner(signal);
  const program = new Command('ste')
    .description('Run and watch the Self-Taught Evaluator loop through its GraphQL API.')
    .option('--url <url>', `GraphQL endpoint (env STE_URL, default ${DEFAULT_URL})`)
    .option('--token <token>', 'API token, sent as a Bearer token (env STE_TOKEN)')
    .option('--json', 'print results as JSON on stdout (progress stays on stderr)')
    .showSuggestionAfterError()
    .addHelpText('after', [
      '',
      'Example:',
      '  ste experiment create demo --samples 2',
      '  ste import instructions data/instructions/mt-bench-questions.jsonl --experiment 1',
      '  ste import benchmark --bundled llmbar',
      '  ste loop 1 --iterations 2 --eval llmbar',
      '  ste export 1 --format openai-sft > iteration-1.jsonl',
      '  ste register 3 my-judge-it1     (an EXTERNAL trainer\'s model, for an iteration AWAITING_MODEL)',
      '  ste stage log 12 --follow       (a COMMAND trainer\'s output until its stage ends; ste stage cancel 12 stops it)',
      '',
      'Exit codes: 0 done, 1 failure (one line on stderr), 2 usage error.',
    ].join('\n'));
  const importCommand = program.command('import').description('import instructions or a benchmark from a file');
  registerImportInstructions(importCommand, run);
  registerImportBenchmark(importCommand, run);
  registerImportPool(importCommand, run);
  registerExperimentCommands(program, run);
  registerLoop(program, run);
  registerRegister(program, run);
  registerStage(program, run);
  registerWatch(program, run);
  registerEvalInspect(registerEval(program, run), run);
  registerExport(program, run);
  registerIteration(program, run);
  registerBenchmark(program, run);

  // Usage errors exit 2 with one line; help exits 0.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      outputError: (text, write) => write(`ste: ${text.replace(/^error: /, '').trim()} (see ${fullName(command)} --help)\n`),
    });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** "ste import instructions" */
function fullName(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export async function main(argv: string[]): Promise<number> {
  const abort = new AbortController();
  // Ctrl-C: commands that follow work stop cleanly (the work goes on on the server); whatever has
  // not stopped within moments, or a second Ctrl-C, ends the process.
  const onInterrupt = () => {
    if (abort.signal.aborted) process.exit(130);
    abort.abort();
    setTimeout(() => process.exit(130), 2_000).unref();
  };
  process.on('SIGINT', onInterrupt);
  try {
    await buildProgram(abort.signal).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      // `ste` or `ste import` alone: the help was printed, as a usage error.
      return 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`ste: ${error.message}\n`);
      for (const line of error.details) process.stderr.write(`${line}\n`);
      return error.exitCode;
    }
    process.stderr.write(`ste: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

const code = await main(process.argv.slice(2));
// Exit once stdout is flushed: a piped export or JSON result must not be cut short.
process.stdout.write('', () => process.exit(code));
