/**
 * Every prompt the loop sends to a model, and the parsers for what comes back.
 *
 * The texts follow the Self-Taught Evaluators paper (arXiv 2408.02666): the modified-instruction
 * prompt asks for x' and an answer to it in a tagged format, and the default judge is the
 * MT-Bench "pairwise v2" style judge that ends with exactly `[[A]]` or `[[B]]`.
 * The built-in simulator recognises each prompt kind by the `PROMPT_MARKERS` below, so a marker
 * change here is a change to the simulator's contract too.
 */

import type { Verdict } from './vocabulary.js';
import { compileLinearPattern, PatternError } from './verdict-pattern.js';
import type { LinearPattern } from './verdict-pattern.js';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** Strings that identify each prompt kind; the simulator keys its behaviour on them. */
export const PROMPT_MARKERS = {
  answer: 'You are a helpful, knowledgeable assistant. Answer the user instruction',
  categorize: 'Classify the user instruction into exactly one of the following categories',
  modify: 'first write a modified instruction that is highly relevant to the instruction above',
  judge: 'Please act as an impartial judge and evaluate the quality of the responses',
} as const;

export const ANSWER_SYSTEM_PROMPT = `${PROMPT_MARKERS.answer} as well as you can: be accurate, complete and concise.`;

/** Prompt for the ordinary answer y_w to an instruction x. */
export function answerPrompt(instruction: string): ChatMessage[] {
  return [
    { role: 'system', content: ANSWER_SYSTEM_PROMPT },
    { role: 'user', content: instruction },
  ];
}

/** Prompt that asks the generator to put x into exactly one of `categories`. */
export function categorizePrompt(instruction: string, categories: readonly string[]): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        `${PROMPT_MARKERS.categorize}: ${categories.join(', ')}.\n` +
        'Answer with one line of the form "Category: <name>", using one of the names exactly as written.',
    },
    { role: 'user', content: `[The Start of User Instruction]\n${instruction}\n[The End of User Instruction]` },
  ];
}

/** Parses a categorisation answer; null when it names none of `categories` (or several). */
export function parseCategory(output: string, categories: readonly string[]): string | null {
  const m = /category\s*:\s*\**\s*([^\n*]+)/i.exec(output);
  const named = (m?.[1] ?? output).trim().replace(/[."'`]+$/, '').trim().toLowerCase();
  const exact = categories.find((c) => c.toLowerCase() === named);
  if (exact) return exact;
  const mentioned = categories.filter((c) => new RegExp(`\\b${escapeRegExp(c)}\\b`, 'i').test(output));
  return mentioned.length === 1 ? mentioned[0]! : null;
}

export const MODIFIED_INSTRUCTION_TAGS = {
  instructionStart: '[The Start of Modified Instruction]',
  instructionEnd: '[The End of Modified Instruction]',
  responseStart: '[The Start of Response to the Modified Instruction]',
  responseEnd: '[The End of Response to the Modified Instruction]',
} as const;

/** The paper's contrasting-pair prompt: one call returns x' and a good answer to x' (y_l). */
export function modifiedInstructionPrompt(instruction: string): ChatMessage[] {
  const t = MODIFIED_INSTRUCTION_TAGS;
  return [
    {
      role: 'user',
      content:
        'Below is a conversation between a user and an AI assistant.\n\n' +
        `[The Start of User Instruction]\n${instruction}\n[The End of User Instruction]\n\n` +
        `Please ${PROMPT_MARKERS.modify}, but not semantically identical to it. ` +
        'Then write a high-quality, coherent response to the modified instruction only. ' +
        'Use exactly this format and nothing else:\n' +
        `${t.instructionStart}\n<the modified instruction>\n${t.instructionEnd}\n` +
        `${t.responseStart}\n<the response to the modified instruction>\n${t.responseEnd}`,
    },
  ];
}

export type ParsedModification =
  | { ok: true; modifiedInstruction: string; response: string }
  | { ok: false; reason: string };

/**
 * Parses the tagged output of `modifiedInstructionPrompt`. Each tag must appear exactly once and
 * in order; an x' equal to x (after normalisation) or an empty part is rejected with a reason.
 */
export function parseModification(output: string, originalInstruction: string): ParsedModification {
  const t = MODIFIED_INSTRUCTION_TAGS;
  const order = [t.instructionStart, t.instructionEnd, t.responseStart, t.responseEnd];
  const positions: number[] = [];
  for (const tag of order) {
    const first = output.indexOf(tag);
    if (first < 0) return { ok: false, reason: `missing tag ${tag}` };
    if (output.indexOf(tag, first + tag.length) >= 0) return { ok: false, reason: `tag ${tag} appears more than once` };
    positions.push(first);
  }
  for (let i = 1; i < positions.length; i += 1) {
    if (positions[i]! < positions[i - 1]!) return { ok: false, reason: 'tags out of order' };
  }
  const modifiedInstruction = output.slice(positions[0]! + t.instructionStart.length, positions[1]!).trim();
  const response = output.slice(positions[2]! + t.responseStart.length, positions[3]!).trim();
  if (!modifiedInstruction) return { ok: false, reason: 'empty modified instruction' };
  if (!response) return { ok: false, reason: 'empty response to the modified instruction' };
  if (normalizeText(modifiedInstruction) === normalizeText(originalInstruction)) {
    return { ok: false, reason: 'modified instruction is the same as the original' };
  }
  return { ok: true, modifiedInstruction, response };
}

/** A judge prompt template with the patterns that read its verdict. */
export type JudgeTemplate = {
  /** System message; may be empty. */
  system: string;
  /** User message with the placeholders {question}, {answer_a} and {answer_b}. */
  user: string;
  /** Regular expression (source text) whose match means "A is better". */
  verdictA: string;
  /** Regular expression (source text) whose match means "B is better". */
  verdictB: string;
  /** Optional regular expression for an explicit tie. */
  verdictTie?: string | null;
};

/** MT-Bench pairwise-v2 style judge, as used by the paper (no tie option). */
export const DEFAULT_JUDGE_TEMPLATE: JudgeTemplate = {
  system:
    `${PROMPT_MARKERS.judge} provided by two AI assistants to the user question displayed below. ` +
    'You should choose the assistant that follows the user\'s instructions and answers the user\'s question better. ' +
    'Your evaluation should consider factors such as the helpfulness, relevance, accuracy, depth, creativity, and level of detail of their responses. ' +
    'Begin your evaluation by comparing the two responses and provide a short explanation. ' +
    'Avoid any position biases and ensure that the order in which the responses were presented does not influence your decision. ' +
    'Do not allow the length of the responses to influence your evaluation. Do not favor certain names of the assistants. ' +
    'Be as objective as possible. After providing your explanation, output your final verdict by strictly following this format: ' +
    '"[[A]]" if assistant A is better, "[[B]]" if assistant B is better.',
  user:
    '[User Question]\n{question}\n\n' +
    "[The Start of Assistant A's Answer]\n{answer_a}\n[The End of Assistant A's Answer]\n\n" +
    "[The Start of Assistant B's Answer]\n{answer_b}\n[The End of Assistant B's Answer]",
  verdictA: '\\[\\[A\\]\\]',
  verdictB: '\\[\\[B\\]\\]',
  verdictTie: '\\[\\[C\\]\\]',
};

export function judgePrompt(template: JudgeTemplate, question: string, answerA: string, answerB: string): ChatMessage[] {
  // One pass over the template, so that a placeholder inside an answer is never substituted again.
  const values: Record<string, string> = { question, answer_a: answerA, answer_b: answerB };
  const user = template.user.replace(/\{(question|answer_a|answer_b)\}/g, (_, key: string) => values[key]!);
  const messages: ChatMessage[] = [];
  if (template.system.trim()) messages.push({ role: 'system', content: template.system });
  messages.push({ role: 'user', content: user });
  return messages;
}


/** Compiled verdict patterns; build once per template, not per judgment. */
export type VerdictParser = (output: string) => Verdict;

/**
 * Builds the verdict reader of a template. Exactly one kind of label present gives that verdict;
 * A and B both present, or no label at all, is UNPARSEABLE (never guessed); a tie label alone is TIE.
 * Throws a `TemplateError` naming the pattern when a pattern is not a valid regular expression or
 * cannot be matched in linear time. Each call of the parser is one pass over the output.
 */
export function verdictParser(template: Pick<JudgeTemplate, 'verdictA' | 'verdictB' | 'verdictTie'>): VerdictParser {
  const a = compilePattern('verdictA', template.verdictA);
  const b = compilePattern('verdictB', template.verdictB);
  const tie = template.verdictTie ? compilePattern('verdictTie', template.verdictTie) : null;
  return (output) => {
    const hasA = a.test(output);
    const hasB = b.test(output);
    const hasTie = tie ? tie.test(output) : false;
    const kinds = Number(hasA) + Number(hasB) + Number(hasTie);
    if (kinds !== 1) return 'UNPARSEABLE';
    if (hasA) return 'A';
    if (hasB) return 'B';
    return 'TIE';
  };
}

export class TemplateError extends Error {
  constructor(
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** Compiled patterns by source: a template's patterns are compiled once, not once per batch. */
const compiled = new Map<string, LinearPattern>();
const COMPILED_KEPT = 100;

/**
 * A verdict pattern, compiled for linear-time matching (src/domain/verdict-pattern.ts): parsing a
 * judge output can never stall the service, whatever the pattern. Throws a `TemplateError` when
 * the pattern is not valid JavaScript or cannot be matched in linear time within the limits.
 */
function compilePattern(field: string, source: string): LinearPattern {
  if (!source || !source.trim()) throw new TemplateError(field, `${field} must be a non-empty regular expression`);
  const known = compiled.get(source);
  if (known) return known;
  try {
    new RegExp(source);
  } catch (cause) {
    throw new TemplateError(field, `${field} is not a valid regular expression: ${(cause as Error).message}`, { cause });
  }
  let pattern: LinearPattern;
  try {
    pattern = compileLinearPattern(source);
  } catch (cause) {
    if (cause instanceof PatternError) throw new TemplateError(field, `${field} ${cause.message}`, { cause });
    throw cause;
  }
  if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, pattern);
  return pattern;
}

/** Checks a user-supplied template: placeholders present, patterns compile. */
export function validateJudgeTemplate(template: JudgeTemplate): void {
  for (const placeholder of ['{question}', '{answer_a}', '{answer_b}']) {
    if (!template.user.includes(placeholder)) {
      throw new TemplateError('user', `judge template user text must contain the placeholder ${placeholder}`);
    }
  }
  verdictParser(template);
}

/** Lower case, collapsed white space, trimmed: the key for deduplication and x' == x checks. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
