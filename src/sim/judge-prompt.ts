/**
 * Reading pairwise judge prompts: the question and the two answers, and the verdict format the
 * prompt asks for. The default template (prompts.ts) is read by its exact markers; any other
 * template is read best effort by common section headings ("# Output (a):", "Response B:", ...).
 */

export type JudgeInputs = { question: string; answerA: string; answerB: string };

/** `brackets`: `[[A]]` / `[[B]]`; `output`: `Output (a)` / `Output (b)` (LLMBar style). */
export type VerdictStyle = 'brackets' | 'output';
export type VerdictFormat = { style: VerdictStyle; labelOnly: boolean };

const DEFAULT = {
  question: '[User Question]\n',
  aStart: "[The Start of Assistant A's Answer]",
  aEnd: "[The End of Assistant A's Answer]",
  bStart: "[The Start of Assistant B's Answer]",
  bEnd: "[The End of Assistant B's Answer]",
} as const;

const LABEL_PREFIX = String.raw`^[ \t]*(?:#{1,6}[ \t]*|\*\*|\[|<)?(?:the start of[ \t]+)?`;
const LABEL_SUFFIX = String.raw`(?:[ \t]*(?:\]|>|\*\*))?[ \t]*(?::|$)`;
const QUESTION_HEAD = new RegExp(
  `${LABEL_PREFIX}(?:user[ \\t]+)?(?:question|instruction|prompt|input|query)${LABEL_SUFFIX}`,
  'gim',
);
const answerHead = (label: string): RegExp =>
  new RegExp(
    `${LABEL_PREFIX}(?:assistant|response|answer|output|model)[ \\t_]*(?:${label})(?:'s[ \\t]+(?:answer|response))?${LABEL_SUFFIX}`,
    'gim',
  );
const A_HEAD = answerHead(String.raw`\(a\)|a\b|\(1\)|1\b`);
const B_HEAD = answerHead(String.raw`\(b\)|b\b|\(2\)|2\b`);
const SECTION_END = /^[ \t]*(?:\[the end of|<\/|#{1,6}[ \t])/gim;

const OUTPUT_STYLE = /output \(a\)/i;
const LABEL_ONLY = /do not (?:provide|give|include) any (?:explanation|reasoning)|answer using only|respond with only|output only/i;

/** Question and answers from a judge prompt's user text, or null when no two answers are found. */
export function extractJudgeInputs(user: string): JudgeInputs | null {
  return extractDefault(user) ?? extractByHeadings(user);
}

function extractDefault(user: string): JudgeInputs | null {
  const bStart = user.lastIndexOf(DEFAULT.bStart);
  const aStart = user.indexOf(DEFAULT.aStart);
  if (aStart < 0 || bStart < aStart) return null;
  const aEnd = user.lastIndexOf(DEFAULT.aEnd, bStart);
  const bEnd = user.lastIndexOf(DEFAULT.bEnd);
  const q = user.indexOf(DEFAULT.question);
  const question = q >= 0 && q < aStart ? user.slice(q + DEFAULT.question.length, aStart) : user.slice(0, aStart);
  return {
    question: question.trim(),
    answerA: user.slice(aStart + DEFAULT.aStart.length, aEnd > aStart ? aEnd : bStart).trim(),
    answerB: user.slice(bStart + DEFAULT.bStart.length, bEnd > bStart ? bEnd : user.length).trim(),
  };
}

function firstMatch(pattern: RegExp, text: string, from: number): RegExpExecArray | null {
  pattern.lastIndex = from;
  return pattern.exec(text);
}

function extractByHeadings(user: string): JudgeInputs | null {
  const a = firstMatch(A_HEAD, user, 0);
  if (!a) return null;
  const aBodyStart = a.index + a[0].length;
  const b = firstMatch(B_HEAD, user, aBodyStart);
  if (!b) return null;
  const bBodyStart = b.index + b[0].length;
  const end = firstMatch(SECTION_END, user, bBodyStart);
  const q = firstMatch(QUESTION_HEAD, user, 0);
  const question = q && q.index < a.index ? user.slice(q.index + q[0].length, a.index) : user.slice(0, a.index);
  return {
    question: untilSectionEnd(question),
    answerA: untilSectionEnd(user.slice(aBodyStart, b.index)),
    answerB: user.slice(bBodyStart, end ? end.index : user.length).trim(),
  };
}

/** A section up to the next end marker or heading (one at its very start belongs to it). */
function untilSectionEnd(section: string): string {
  const text = section.trim();
  const end = firstMatch(SECTION_END, text, 1);
  return (end ? text.slice(0, end.index) : text).trim();
}

/** True when `text` looks like a pairwise comparison prompt even without the default marker. */
export function looksLikeJudgePrompt(user: string): boolean {
  if (user.includes(DEFAULT.aStart) && user.includes(DEFAULT.bStart)) return true;
  const a = firstMatch(A_HEAD, user, 0);
  return a !== null && firstMatch(B_HEAD, user, a.index + a[0].length) !== null;
}

/** The verdict format requested by the prompt (system and user text together). */
export function verdictFormat(promptText: string): VerdictFormat {
  if (OUTPUT_STYLE.test(promptText) && !promptText.includes('[[A]]')) {
    return { style: 'output', labelOnly: LABEL_ONLY.test(promptText) };
  }
  return { style: 'brackets', labelOnly: false };
}

export function verdictLabel(style: VerdictStyle, verdict: 'A' | 'B'): string {
  if (style === 'output') return verdict === 'A' ? 'Output (a)' : 'Output (b)';
  return verdict === 'A' ? '[[A]]' : '[[B]]';
}

/** How the reasoning refers to each answer without ever writing a verdict label. */
export function answerName(style: VerdictStyle, verdict: 'A' | 'B'): string {
  if (style === 'output') return verdict === 'A' ? 'the first output' : 'the second output';
  return verdict === 'A' ? 'Assistant A' : 'Assistant B';
}

const BRACKET_A = /\[\[A\]\]/;
const BRACKET_B = /\[\[B\]\]/;
const OUTPUT_A = /output \(a\)/i;
const OUTPUT_B = /output \(b\)/i;

/** Reads a verdict in `style` from a judgment; null when neither or both labels are present. */
export function readVerdict(style: VerdictStyle, text: string): 'A' | 'B' | null {
  const hasA = (style === 'output' ? OUTPUT_A : BRACKET_A).test(text);
  const hasB = (style === 'output' ? OUTPUT_B : BRACKET_B).test(text);
  if (hasA === hasB) return null;
  return hasA ? 'A' : 'B';
}
