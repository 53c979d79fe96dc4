/**
 * Turning an uploaded fine-tuning file into judge training examples. Lines in the OpenAI formats:
 * supervised `{"messages":[system?, user, assistant]}` and preference (DPO)
 * `{"input":{"messages":[...]},"preferred_output":[{role,content}],"non_preferred_output":[...]}`.
 * Each line's judge prompt gives the features; the assistant (or preferred) text gives the verdict.
 */
import { judgeFeatures, type TrainingExample } from './judge-model.js';
import { readVerdict } from './judge-prompt.js';
import { contentText, detectPrompt, type SimpleMessage } from './prompt-kind.js';

export type TrainingMethod = 'supervised' | 'dpo';

export type ParsedTrainingFile =
  | { ok: true; examples: TrainingExample[]; lines: number; skipped: number; tokens: number }
  | { ok: false; line: number | null; message: string };

const SHAPE: Record<TrainingMethod, string> = {
  supervised: 'expected {"messages":[...]} ending with an assistant message (supervised format)',
  dpo: 'expected {"input":{"messages":[...]},"preferred_output":[{"role":"assistant","content":...}],"non_preferred_output":[...]} (dpo format)',
};

function messages(value: unknown): SimpleMessage[] | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const out: SimpleMessage[] = [];
  for (const m of value) {
    if (!m || typeof m !== 'object') return null;
    const role = (m as { role?: unknown }).role;
    const content = contentText((m as { content?: unknown }).content);
    if (typeof role !== 'string' || content === null) return null;
    out.push({ role, content });
  }
  return out;
}

function assistantText(value: unknown): string | null {
  const list = messages(value);
  const last = list?.[list.length - 1];
  return last && last.role === 'assistant' ? last.content : null;
}

type LineResult = { prompt: SimpleMessage[]; target: string; rejected: string | null } | null;

function readLine(row: unknown, method: TrainingMethod): LineResult {
  if (!row || typeof row !== 'object' || Array.isArray(row)) return null;
  const obj = row as Record<string, unknown>;
  if (method === 'supervised') {
    const list = messages(obj.messages);
    if (!list || list.length < 2 || list[list.length - 1]!.role !== 'assistant') return null;
    return { prompt: list.slice(0, -1), target: list[list.length - 1]!.content, rejected: null };
  }
  const input = obj.input as { messages?: unknown } | undefined;
  const prompt = messages(input?.messages);
  const preferred = assistantText(obj.preferred_output);
  const rejected = assistantText(obj.non_preferred_output);
  if (!prompt || preferred === null || rejected === null) return null;
  return { prompt, target: preferred, rejected };
}

/** Parses and validates a whole file; the first bad line fails it, naming the line. */
export function parseTrainingFile(text: string, method: TrainingMethod): ParsedTrainingFile {
  const examples: TrainingExample[] = [];
  let lines = 0;
  let skipped = 0;
  let chars = 0;
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i += 1) {
    const raw = rows[i]!.trim();
    if (!raw) continue;
    lines += 1;
    chars += raw.length;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (cause) {
      return { ok: false, line: i + 1, message: `Line ${i + 1}: not valid JSON (${(cause as Error).message})` };
    }
    const line = readLine(row, method);
    if (!line) return { ok: false, line: i + 1, message: `Line ${i + 1}: ${SHAPE[method]}` };
    const prompt = detectPrompt(line.prompt);
    if (prompt.kind !== 'judge' || (!prompt.inputs.answerA && !prompt.inputs.answerB)) {
      skipped += 1;
      continue;
    }
    let verdict = readVerdict(prompt.format.style, line.target);
    if (verdict === null && line.rejected !== null) {
      const worse = readVerdict(prompt.format.style, line.rejected);
      verdict = worse === null ? null : worse === 'A' ? 'B' : 'A';
    }
    if (verdict === null) {
      skipped += 1;
      continue;
    }
    examples.push({ features: judgeFeatures(prompt.inputs), target: verdict === 'A' ? 1 : 0 });
  }
  if (lines === 0) return { ok: false, line: null, message: 'The training file is empty.' };
  if (examples.length === 0) {
    return {
      ok: false,
      line: null,
      message: `None of the ${lines} lines holds a pairwise judge prompt with a readable verdict ([[A]]/[[B]] or Output (a)/(b)).`,
    };
  }
  return { ok: true, examples, lines, skipped, tokens: Math.ceil(chars / 4) };
}
