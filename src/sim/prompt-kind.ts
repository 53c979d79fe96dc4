/**
 * Recognising what a chat request asks for, by the markers in `PROMPT_MARKERS` (prompts.ts),
 * and pulling out the parts each kind needs.
 */
import { MODIFIED_INSTRUCTION_TAGS, PROMPT_MARKERS } from '../domain/prompts.js';
import { listedCategories } from './categorize.js';
import {
  extractJudgeInputs,
  looksLikeJudgePrompt,
  verdictFormat,
  type JudgeInputs,
  type VerdictFormat,
} from './judge-prompt.js';

export const PROMPT_KINDS = ['answer', 'categorize', 'modify', 'worse', 'judge', 'other'] as const;
export type PromptKind = (typeof PROMPT_KINDS)[number];

export type DetectedPrompt =
  | { kind: 'answer'; instruction: string }
  | { kind: 'categorize'; instruction: string; categories: string[] }
  | { kind: 'modify'; instruction: string; answer: string }
  | { kind: 'worse'; instruction: string; answer: string }
  | { kind: 'judge'; inputs: JudgeInputs; format: VerdictFormat }
  | { kind: 'other'; text: string };

export type SimpleMessage = { role: string; content: string };

const INSTRUCTION_START = '[The Start of User Instruction]';
const INSTRUCTION_END = '[The End of User Instruction]';
const ANSWER_START = "[The Start of Assistant's Answer]";
const ANSWER_END = "[The End of Assistant's Answer]";
const MODIFY_OUTPUT_TAG = MODIFIED_INSTRUCTION_TAGS.instructionStart;

function between(text: string, start: string, end: string, endBefore = text.length): string | null {
  const s = text.indexOf(start);
  if (s < 0) return null;
  const e = text.lastIndexOf(end, endBefore);
  if (e < s + start.length) return null;
  return text.slice(s + start.length, e).trim();
}

export function detectPrompt(messages: readonly SimpleMessage[]): DetectedPrompt {
  let system = '';
  let user = '';
  for (const m of messages) {
    if (m.role === 'system' || m.role === 'developer') system = system ? `${system}\n${m.content}` : m.content;
    else if (m.role === 'user') user = m.content;
  }

  // System-message markers first: a user instruction may quote another prompt's marker.
  if (system.includes(PROMPT_MARKERS.judge)) return judge(system, user);
  if (system.includes(PROMPT_MARKERS.categorize)) {
    return {
      kind: 'categorize',
      instruction: between(user, INSTRUCTION_START, INSTRUCTION_END) ?? user.trim(),
      categories: listedCategories(system, PROMPT_MARKERS.categorize),
    };
  }
  for (const kind of ['modify', 'worse'] as const) {
    const marker = kind === 'modify' ? PROMPT_MARKERS.modify : PROMPT_MARKERS.worseRewrite;
    const at = user.lastIndexOf(marker);
    if (at < 0 && !system.includes(marker)) continue;
    // The y_l prompts quote x and y_w before their request; both are read from before the marker.
    const end = at < 0 ? user.length : at;
    const answerAt = user.lastIndexOf(ANSWER_START, end);
    const instruction = between(user, INSTRUCTION_START, INSTRUCTION_END, answerAt < 0 ? end : answerAt) ?? user.slice(0, end).trim();
    const answer = answerAt < 0 ? '' : (between(user.slice(answerAt), ANSWER_START, ANSWER_END, end - answerAt) ?? '');
    return { kind, instruction, answer };
  }
  if (user.includes(PROMPT_MARKERS.judge) || (!user.includes(MODIFY_OUTPUT_TAG) && looksLikeJudgePrompt(user))) {
    return judge(system, user);
  }
  // A user message alone is an ordinary request for an answer (y_w is asked for "as usual").
  if (!system.trim()) return { kind: 'answer', instruction: user };
  return { kind: 'other', text: user };
}

function judge(system: string, user: string): DetectedPrompt {
  const inputs = extractJudgeInputs(user) ?? { question: user, answerA: '', answerB: '' };
  // The verdict format is read from the template's own text, never from inside the answers.
  let templateText = system.includes('[[A]]') || system.includes('Output (a)') ? system : `${system}\n${user}`;
  if (templateText !== system) {
    if (inputs.answerA) templateText = templateText.replace(inputs.answerA, '');
    if (inputs.answerB) templateText = templateText.replace(inputs.answerB, '');
  }
  return { kind: 'judge', inputs, format: verdictFormat(templateText) };
}

/** Text of a message `content`: a string, or the text parts of an array; null when neither. */
export function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === null ? '' : null;
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      text += (part as { text: string }).text;
    }
  }
  return text;
}
