// An iteration's training, on its page: the TRAIN stage's log (a COMMAND trainer's stdout and
// stderr) as it is written (stageLogAppended, resumed after the last line shown when the socket
// drops), "Cancel training" while it runs (cancelStage: the trainer's whole process group is
// stopped), and, for an iteration waiting in AWAITING_MODEL (EXTERNAL backend), a form that names
// the model trained outside (registerJudgeModel). Above the log, the iteration's training jobs: where
// each runs, on how many examples, its status and trained model, and the state of a LoRA adapter the
// service loaded (loaded, or unloaded and when: its model is then not served until loaded again).
// Actions need an operator token with API tokens.

import { gql } from './api.js';
import { badge, fmt, h, replace } from './dom.js';
import { CancelStageDocument, RegisterJudgeModelDocument, StageLogAppendedDocument, StageLogDocument } from './operations.generated.js';
import { live } from './ws.js';

/** @import { IterationQuery, LogLineFragment, StageFieldsFragment, TrainingJobFieldsFragment } from '../../generated/dashboard-operations.js' */

/** "SUPERVISED on EXTERNAL: sim-judge, 12 examples · awaiting_model → my-judge · LoRA adapter on judges: loaded" @param {TrainingJobFieldsFragment} job */
function jobItem(job) {
  const adapter = job.adapter && (job.adapter.loaded ? 'loaded' : `unloaded ${fmt.time(job.adapter.unloadedAt)}`);
  return h('li', { dataset: { trainingJob: job.stageIndex } },
    `${job.method} on ${job.backend}${job.externalJobId ? ` (job ${job.externalJobId})` : ''}: ${job.baseModel}, ${fmt.count(job.examples)} examples · `,
    h('strong', {}, job.status),
    job.fineTunedModel ? ` → ${job.fineTunedModel}` : null,
    job.error ? h('span', { class: 'error' }, ` ${job.error}`) : null,
    adapter ? ` · LoRA adapter on ${job.adapter.endpoint}: ${adapter}` : null);
}

const ACTIVE = new Set(['QUEUED', 'RUNNING', 'PAUSED']);
const LOG_KEEP = 500;
const LOG_START = 200;

/** The panel, into `el`; `onActed` is called after an action succeeded. Returns { update(iteration, stages), stop() }. */
export function trainingPanel(el, iterationId, onActed) {
  const els = {
    status: h('span'),
    actions: h('div', { class: 'training-actions' }),
    // Outside the actions: it stays when they are redrawn after the action changed the iteration.
    message: h('p', { class: 'muted', dataset: { actionMessage: 'training' } }),
    log: h('pre', { class: 'training-log', dataset: { trainingLog: '' } }),
    logNote: h('span', { class: 'muted', dataset: { trainingLogNote: '' } }),
    jobs: h('ul', { class: 'training-jobs', dataset: { trainingJobs: '' } }),
  };
  let shownStage = null; // the TRAIN stage whose log is shown
  let lastId = null;
  let stopLog = () => {};
  let logEnded = false; // the log's stream completed (the stage ended); a resumed stage is followed again
  let drawnFor = ''; // what the actions were drawn for: redrawn only when it changes (typing is not lost)

  /** @param {LogLineFragment[]} lines */
  const appendLines = (lines) => {
    for (const l of lines) {
      lastId = l.id;
      els.log.append(h('span', { class: l.stream === 'stderr' ? 'stderr' : null, dataset: { logLine: l.id } }, `${l.line}\n`));
    }
    while (els.log.childElementCount > LOG_KEEP) els.log.firstElementChild.remove();
    els.log.scrollTop = els.log.scrollHeight;
  };

  const followLog = async (stage) => {
    stopLog();
    shownStage = stage.id;
    lastId = null;
    replace(els.log);
    replace(els.logNote, '(loading)');
    const stored = (await gql(StageLogDocument, { id: stage.id, last: LOG_START }).catch(() => null))?.stage?.log ?? [];
    if (shownStage !== stage.id) return;
    appendLines(stored);
    subscribeLog(stage);
  };

  const subscribeLog = (stage) => {
    stopLog();
    logEnded = false;
    replace(els.logNote, '(live)');
    stopLog = live.subscribe(
      StageLogAppendedDocument,
      () => ({ stageId: stage.id, afterId: lastId ?? '0' }),
      {
        next: ({ stageLogAppended: l }) => {
          if (lastId !== null && Number(l.id) <= Number(lastId)) return;
          appendLines([l]);
        },
        error: (message) => replace(els.logNote, h('span', { class: 'error' }, `(stopped: ${message})`)),
        complete: () => {
          logEnded = true;
          replace(els.logNote, els.log.childElementCount ? '(the stage has ended)' : '(the stage has ended; the trainer wrote nothing)');
        },
      },
    );
  };

  const registerForm = (iteration) => {
    const model = h('input', { type: 'text', name: 'model', required: true, placeholder: 'served model name', 'aria-label': 'trained model name', autocomplete: 'off' });
    const message = els.message;
    const form = h('form', { class: 'action', dataset: { action: 'register-model' } },
      h('strong', {}, 'Register the trained judge'), ' ', model, ' ', h('button', { type: 'submit' }, 'Register'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      replace(message, 'Working…');
      try {
        const r = (await gql(RegisterJudgeModelDocument, { iterationId: iteration.id, model: model.value.trim() })).registerJudgeModel;
        replace(message, `registered ${r.trainedModel}: iteration ${r.status.toLowerCase()}`);
        onActed();
      } catch (error) {
        replace(message, h('span', { class: 'error' }, error.message));
      }
    });
    return [h('p', { class: 'muted' }, 'The training data is exported (', h('code', {}, `ste export ${iteration.id}`), '); name the model your trainer produced once it is served.'), form];
  };

  const cancelButton = (stage) => {
    const message = els.message;
    const button = h('button', { type: 'button', dataset: { action: 'cancel-training', stageId: stage.id }, onclick: async () => {
      button.disabled = true;
      replace(message, 'Working…');
      try {
        const r = (await gql(CancelStageDocument, { stageId: stage.id })).cancelStage;
        replace(message, `training ${r.status.toLowerCase()}`);
        onActed();
      } catch (error) {
        replace(message, h('span', { class: 'error' }, error.message));
        button.disabled = false;
      }
    } }, 'Cancel training');
    return h('div', { class: 'action' }, button);
  };

  /**
   * @param {IterationQuery['iteration']} iteration
   * @param {StageFieldsFragment[]} stages
   */
  const update = (iteration, stages) => {
    const train = stages.filter((s) => s.kind === 'TRAIN').sort((a, b) => Number(b.id) - Number(a.id))[0];
    if (!train) {
      if (drawnFor !== 'none') replace(el);
      drawnFor = 'none';
      return;
    }
    if (!el.contains(els.log)) replace(el, h('h2', {}, 'Training ', els.status), els.jobs, els.actions, els.message, h('h3', {}, 'Trainer log ', els.logNote), els.log);
    replace(els.status, badge(train.status), train.error ? h('span', { class: 'error' }, ` ${train.error}`) : null);
    replace(els.jobs, ...iteration.trainingJobs.map(jobItem));
    const running = ACTIVE.has(train.status) && train.status !== 'PAUSED';
    const key = `${train.id}:${iteration.status === 'AWAITING_MODEL' ? 'awaiting' : running ? 'running' : 'idle'}`;
    if (key !== drawnFor) {
      drawnFor = key;
      if (iteration.status === 'AWAITING_MODEL') replace(els.actions, registerForm(iteration));
      else if (running) replace(els.actions, cancelButton(train));
      else replace(els.actions);
    }
    if (shownStage !== train.id) void followLog(train);
    // Resumed (resumeStage): the trainer runs again and writes on, after the lines shown.
    else if (logEnded && running) subscribeLog(train);
  };

  return { update, stop: () => stopLog() };
}
