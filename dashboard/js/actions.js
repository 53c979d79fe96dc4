// What an operator does from the experiment page: import an instruction file by upload, run the
// loop (with benchmarks to evaluate on), evaluate a judge, and cancel or resume a stage. Each action
// is one mutation of the public API; with API tokens it needs an operator token (the token prompt
// asks for one when the server refuses).

import { gql } from './api.js';
import { badge, fmt, h, replace } from './dom.js';
import {
  BenchmarkNamesDocument, CancelStageDocument, EvaluateJudgeDocument, ImportInstructionsDocument, ResumeStageDocument, RunLoopDocument,
} from './operations.generated.js';

/** @import { ExperimentQuery, StageFieldsFragment } from '../../generated/dashboard-operations.js' */

const ACTIVE = new Set(['QUEUED', 'RUNNING', 'PAUSED']);

/** A form whose submit runs `act` and shows its outcome (or error) beside the button. */
function actionForm(name, title, fields, label, act) {
  const message = h('span', { class: 'muted', dataset: { actionMessage: name } });
  const form = h('form', { class: 'action', dataset: { action: name } }, h('strong', {}, title), ' ', fields, h('button', { type: 'submit' }, label), ' ', message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    replace(message, 'Working…');
    try {
      replace(message, await act());
      // The page reads the experiment again (counts, loop, stages).
      window.dispatchEvent(new CustomEvent('ste:acted'));
    } catch (error) {
      replace(message, h('span', { class: 'error' }, error.message));
    }
  });
  return form;
}

/**
 * The action forms of an experiment, into `el` (drawn once: typing is not lost on updates).
 * @param {HTMLElement} el
 * @param {ExperimentQuery['experiment']} experiment
 */
export async function renderActions(el, experiment) {
  const { benchmarks } = await gql(BenchmarkNamesDocument);
  const file = h('input', { type: 'file', name: 'file', accept: '.jsonl,.json,.txt', required: true, 'aria-label': 'instruction file' });
  const upload = actionForm('import', 'Import instructions', [file, ' '], 'Upload', async () => {
    const chosen = file.files?.[0];
    if (!chosen) throw new Error('Choose a file first.');
    const r = (await gql(ImportInstructionsDocument, { experimentId: experiment.id, content: await chosen.text(), source: chosen.name })).importInstructions;
    if (r.rejected.length > 0) {
      return h('span', { class: 'error' }, `nothing stored: ${r.rejected.slice(0, 3).map((x) => `line ${x.line}: ${x.reason}`).join('; ')}${r.rejected.length > 3 ? ` and ${r.rejected.length - 3} more` : ''}`);
    }
    return `${fmt.count(r.accepted)} imported, ${fmt.count(r.duplicates.length)} duplicates skipped; ${fmt.count(r.instructionCount)} instructions in all`;
  });

  const iterations = h('input', { type: 'number', name: 'iterations', min: 1, max: 50, value: 1, 'aria-label': 'iterations to run' });
  const evalOn = benchmarks.map((b) => h('label', { class: 'check' }, h('input', { type: 'checkbox', value: b.id, dataset: { evaluateOn: b.name } }), ` ${b.name}`));
  const loop = actionForm('run-loop', 'Run the loop', [h('label', {}, 'iterations ', iterations), benchmarks.length ? [' evaluate on', evalOn] : null, ' '], 'Run', async () => {
    const on = evalOn.map((l) => l.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    const r = (await gql(RunLoopDocument, {
      experimentId: experiment.id,
      iterations: Number(iterations.value),
      evaluateOn: on.length ? on : null,
    })).runLoop;
    return `loop ${r.loop.status} to iteration ${r.loop.targetIteration}`;
  });

  const benchmark = h('select', { name: 'benchmark', 'aria-label': 'benchmark' }, benchmarks.map((b) => h('option', { value: b.id }, b.name)));
  const judge = h('select', { name: 'judge', 'aria-label': 'judge', dataset: { judges: '' } });
  const fillJudges = (e) => {
    // Redrawn when the experiment changes: the judge picked stays picked.
    const picked = judge.value;
    replace(judge, h('option', { value: 'seed' }, `M1 (seed: ${e.config.judgeModel})`),
      e.iterations.filter((it) => it.trainedModel).map((it) => h('option', { value: it.id }, `M${it.index + 1} (trained by iteration ${it.index})`)));
    if ([...judge.options].some((o) => o.value === picked)) judge.value = picked;
  };
  fillJudges(experiment);
  const evaluate = benchmarks.length === 0
    ? h('p', { class: 'muted' }, 'Evaluate: import a benchmark first (', h('code', {}, 'ste import benchmark --bundled llmbar'), ').')
    : actionForm('evaluate', 'Evaluate', [judge, ' on ', benchmark, ' '], 'Evaluate', async () => {
        const e = (await gql(EvaluateJudgeDocument, {
          benchmarkId: benchmark.value,
          experimentId: judge.value === 'seed' ? experiment.id : null,
          iterationId: judge.value === 'seed' ? null : judge.value,
        })).evaluateJudge;
        return `evaluation ${e.id} ${e.status.toLowerCase()}`;
      });
  replace(el, h('details', { class: 'actions', open: true }, h('summary', {}, 'Actions'), upload, loop, evaluate));
  return { refreshJudges: fillJudges };
}

/**
 * Cancel for stages that run, resume for those that stopped: the newest few of the experiment.
 * @param {HTMLElement} el
 * @param {StageFieldsFragment[]} stages
 */
export function renderStageControls(el, stages) {
  const actionable = stages
    .filter((s) => ACTIVE.has(s.status) || s.status === 'FAILED' || s.status === 'CANCELLED' || (s.status === 'SUCCEEDED' && s.failed > 0))
    .sort((a, b) => Number(b.id) - Number(a.id))
    .slice(0, 6);
  if (actionable.length === 0) return replace(el);
  const control = (s) => {
    const cancel = ACTIVE.has(s.status) && s.status !== 'PAUSED';
    const action = cancel ? 'cancelStage' : 'resumeStage';
    const message = h('span', { class: 'muted' });
    const button = h('button', { type: 'button', dataset: { stageAction: action, stageId: s.id }, onclick: async () => {
      button.disabled = true;
      try {
        // Two documents, not a mutation name picked at run time: each is checked against the schema.
        const r = cancel ? (await gql(CancelStageDocument, { stageId: s.id })).cancelStage : (await gql(ResumeStageDocument, { stageId: s.id })).resumeStage;
        replace(message, r.status.toLowerCase());
      } catch (error) {
        replace(message, h('span', { class: 'error' }, error.message));
        button.disabled = false;
      }
    } }, cancel ? 'Cancel' : 'Resume');
    return h('div', { class: 'stage-control' }, h('span', { class: 'mono' }, `${s.kind} #${s.id}`), ' ', badge(s.status), ' ', button, ' ', message);
  };
  return replace(el, h('div', { class: 'stage-controls' }, actionable.map(control)));
}
