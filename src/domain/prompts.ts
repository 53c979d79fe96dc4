/**
 * Every prompt the loop sends to a model, and the parsers for what comes back.
 *
 * The texts follow the Self-Taught Evaluators paper (arXiv 2408.02666): the modified-instruction
 * prompt asks for x' and an answer to it in a tagged format, and the default judge is the
 * MT-Bench "pairwise v2" style judge that ends with exactly `[[A]]` or `[[B]]`.
 * The built-in simulator recognises each prompt kind by the `PROMPT_MARKERS` below, so a marker
 * change here is a change to the simulator's contract too.
 */

import { parseTagged } from './tagged.js';
import type { Verdict } from './vocabulary.js';
import { compileLinearPattern, PatternError } from './verdict-pattern.js';
import type { LinearPattern } from './verdict-pattern.js';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** Strings that identify each prompt kind; the simulator keys its behaviour on them. */
export const PROMPT_MARKERS = {
  categorize: 'Classify the user instruction into exactly one of the following categories',
  modify: 'first write a modified instruction that is highly relevant to the instruction above',
  worseRewrite: 'rewrite the answer above into a deliberately worse response to the same instruction',
  judge: 'Please act as an impartial judge and evaluate the quality of the responses',
} as const;

/**
 * Prompt for the ordinary answer y_w to an instruction x: the instruction alone, "as usual" (the
 * paper). `system` is sent only when the experiment sets `answerSystemPrompt`: a style instruction
 * on y_w's side only can teach the judge a style or length shortcut.
 */
export function answerPrompt(instruction: string, system: string | null = null): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (system?.trim()) messages.push({ role: 'system', content: system });
  messages.push({ role: 'user', content: instruction });
  return messages;
}

/**
 * How the categoriser is asked: ONE_LINE (default) wants the answer line alone; PAPER, in the style of
 * the paper's categorisation step, describes the task type to look for, lets the model reason briefly
 * and takes its final "Category:" line (suits reasoning models, which think before answering).
 */
export type CategorizeStyle = 'ONE_LINE' | 'PAPER';

/** Prompt that asks the generator to put x into exactly one of `categories`. */
export function categorizePrompt(instruction: string, categories: readonly string[], style: CategorizeStyle = 'ONE_LINE'): ChatMessage[] {
  const answer =
    style === 'PAPER'
      ? 'Judge by the kind of work the instruction asks for, not by its topic: an instruction belongs to "reasoning" when answering it ' +
        'well needs several steps of logical, mathematical or analytical thinking. Think briefly if you need to, then end with one ' +
        'line of the form "Category: <name>", using one of the names exactly as written.'
      : 'Answer with one line of the form "Category: <name>", using one of the names exactly as written.';
  return [
    { role: 'system', content: `${PROMPT_MARKERS.categorize}: ${categories.join(', ')}.\n${answer}` },
    { role: 'user', content: `[The Start of User Instruction]\n${instruction}\n[The End of User Instruction]` },
  ];
}

/**
 * Parses a categorisation answer: the last "Category:" line (a model that reasons first may name
 * categories on the way), else the one category named; null when it names none (or several).
 */
export function parseCategory(output: string, categories: readonly string[]): string | null {
  const m = [...output.matchAll(/category\s*:\s*\**\s*([^\n*]+)/gi)].pop();
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

/** Placeholders the pair prompts show in their format; an answer equal to one is rejected. */
export const PAIR_PLACEHOLDERS = {
  instruction: '<the modified instruction>',
  response: '<a high-quality response to the modified instruction>',
  worse: '<the worse response>',
} as const;

/** The element of the paper's prompt that makes y_l worse for x: it must not answer x well. */
export const NOT_GOOD_FOR_ORIGINAL = 'but is not a good response to the original user instruction';

/** Recorded on every pair: which prompt text made it (bump when the wording changes). */
export const PAIR_PROMPT_VERSIONS = { MODIFIED_INSTRUCTION: 'modified-instruction/v2', WORSE_REWRITE: 'worse-rewrite/v1' } as const;

function conversation(instruction: string, answer: string): string {
  return (
    'Below is a user instruction and an AI assistant\'s answer to it.\n\n' +
    `[The Start of User Instruction]\n${instruction}\n[The End of User Instruction]\n\n` +
    `[The Start of Assistant's Answer]\n${answer}\n[The End of Assistant's Answer]\n\n`
  );
}

/**
 * The paper's contrasting-pair prompt (section 3.3): shows x and y_w, asks for x' (highly relevant
 * to x, not semantically identical) and a high-quality answer to x' that is not a good answer to x.
 */
export function modifiedInstructionPrompt(instruction: string, chosen: string): ChatMessage[] {
  const t = MODIFIED_INSTRUCTION_TAGS;
  const p = PAIR_PLACEHOLDERS;
  return [
    {
      role: 'user',
      content:
        conversation(instruction, chosen) +
        `Please ${PROMPT_MARKERS.modify}, but not semantically identical to it. ` +
        `Then write a high-quality answer that is a good response to the modified instruction ${NOT_GOOD_FOR_ORIGINAL}. ` +
        'Follow this format exactly:\n' +
        `${t.instructionStart}\n${p.instruction}\n${t.instructionEnd}\n` +
        `${t.responseStart}\n${p.response}\n${t.responseEnd}`,
    },
  ];
}

export const WORSE_RESPONSE_TAGS = {
  start: '[The Start of Worse Response]',
  end: '[The End of Worse Response]',
} as const;

/**
 * The ablation the paper reports as weaker (80.7 vs 83.8 on RewardBench): y_l is a deliberately
 * worse rewrite of y_w for the same instruction x. Offered as `pairConstruction: WORSE_REWRITE`.
 */
export function worseRewritePrompt(instruction: string, chosen: string): ChatMessage[] {
  return [
    {
      role: 'user',
      content:
        conversation(instruction, chosen) +
        `Please ${PROMPT_MARKERS.worseRewrite}: keep it fluent and on topic, but make it clearly less accurate, ` +
        'less complete or less helpful than the answer shown. Follow this format exactly:\n' +
        `${WORSE_RESPONSE_TAGS.start}\n${PAIR_PLACEHOLDERS.worse}\n${WORSE_RESPONSE_TAGS.end}`,
    },
  ];
}

export type ParsedModification =
  | { ok: true; modifiedInstruction: string; response: string; habits: string[] }
  | { ok: false; reason: string };

/**
 * Parses the tagged output of `modifiedInstructionPrompt` with `parseTagged`'s tolerance (case,
 * echoed template, a missing final closing tag on `finishReason: 'stop'`). An x' equal to x after
 * normalisation is rejected here; "nearly identical" is the pair filters' job.
 */
export function parseModification(output: string, originalInstruction: string, finishReason: string | null = 'stop'): ParsedModification {
  const t = MODIFIED_INSTRUCTION_TAGS;
  const parsed = parseTagged(
    output,
    [
      { name: 'modified instruction', start: t.instructionStart, end: t.instructionEnd, placeholder: PAIR_PLACEHOLDERS.instruction },
      { name: 'response to the modified instruction', start: t.responseStart, end: t.responseEnd, placeholder: PAIR_PLACEHOLDERS.response },
    ],
    finishReason,
  );
  if (!parsed.ok) return parsed;
  const [modifiedInstruction, response] = parsed.parts as [string, string];
  if (normalizeText(modifiedInstruction) === normalizeText(originalInstruction)) {
    return { ok: false, reason: 'modified instruction is the same as the original' };
  }
  return { ok: true, modifiedInstruction, response, habits: parsed.habits };
}

export type ParsedRewrite = { ok: true; response: string; habits: string[] } | { ok: false; reason: string };

/** Parses the tagged output of `worseRewritePrompt`, with the same tolerance as `parseModification`. */
export function parseWorseRewrite(output: string, finishReason: string | null = 'stop'): ParsedRewrite {
  const t = WORSE_RESPONSE_TAGS;
  const parsed = parseTagged(output, [{ name: 'worse response', start: t.start, end: t.end, placeholder: PAIR_PLACEHOLDERS.worse }], finishReason);
  if (!parsed.ok) return parsed;
  return { ok: true, response: parsed.parts[0]!, habits: parsed.habits };
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
