import { describe, expect, it } from 'vitest';
import {
  DEFAULT_JUDGE_TEMPLATE,
  MODIFIED_INSTRUCTION_TAGS,
  TemplateError,
  judgePrompt,
  normalizeText,
  parseCategory,
  parseModification,
  parseWorseRewrite,
  PAIR_PLACEHOLDERS,
  NOT_GOOD_FOR_ORIGINAL,
  WORSE_RESPONSE_TAGS,
  answerPrompt,
  modifiedInstructionPrompt,
  validateJudgeTemplate,
  verdictParser,
} from '../../src/domain/prompts.js';
import type { JudgeTemplate } from '../../src/domain/prompts.js';
import type { Verdict } from '../../src/domain/vocabulary.js';

describe('verdictParser(DEFAULT_JUDGE_TEMPLATE)', () => {
  const parse = verdictParser(DEFAULT_JUDGE_TEMPLATE);

  it.each<{ name: string; output: string; expected: Verdict }>([
    { name: '"[[A]]" alone', output: '[[A]]', expected: 'A' },
    { name: '"[[B]]" alone', output: '[[B]]', expected: 'B' },
    {
      name: 'reasoning then [[B]]',
      output: 'Assistant A misreads the question; assistant B answers it fully and correctly.\n\n[[B]]',
      expected: 'B',
    },
    { name: 'the same label twice', output: '[[A]] because it is correct ... final: [[A]]', expected: 'A' },
    { name: 'both labels', output: 'First I thought [[A]], but on reflection [[B]]', expected: 'UNPARSEABLE' },
    {
      name: 'labels inside quoted text (both labels present means unparseable)',
      output: 'I must answer "[[A]]" or "[[B]]". Verdict: [[A]]',
      expected: 'UNPARSEABLE',
    },
    { name: 'lower case "[[a]]"', output: 'Final verdict: [[a]]', expected: 'UNPARSEABLE' },
    { name: 'lower case "[[b]]"', output: 'Final verdict: [[b]]', expected: 'UNPARSEABLE' },
    { name: 'single brackets "[A]"', output: 'Final verdict: [A]', expected: 'UNPARSEABLE' },
    { name: 'trailing text after the label', output: 'Final verdict: [[A]]\n\nI hope this helps!', expected: 'A' },
    {
      name: 'truncated output (cut before any label)',
      output: 'Both answers address the question. Assistant A gives the formula but then the expl',
      expected: 'UNPARSEABLE',
    },
    { name: 'empty string', output: '', expected: 'UNPARSEABLE' },
    { name: 'white space only', output: '  \n\t ', expected: 'UNPARSEABLE' },
    { name: '"[[C]]" alone', output: 'They are equally good. [[C]]', expected: 'TIE' },
    { name: '"[[C]]" with "[[A]]"', output: '[[C]] ... no, actually [[A]]', expected: 'UNPARSEABLE' },
    { name: '"[[C]]" with "[[B]]"', output: '[[B]] or maybe [[C]]', expected: 'UNPARSEABLE' },
    { name: 'all three labels', output: '[[A]] [[B]] [[C]]', expected: 'UNPARSEABLE' },
  ])('$name -> $expected', ({ output, expected }) => {
    expect(parse(output)).toBe(expected);
  });

  it('gives the same verdict when called again (no state kept between calls)', () => {
    expect(['[[A]]', '[[A]]', '[[B]]', '[[A]]'].map(parse)).toEqual(['A', 'A', 'B', 'A']);
  });
});

describe('verdictParser with LLMBar-style patterns', () => {
  const llmbar = { verdictA: 'Output \\(a\\)', verdictB: 'Output \\(b\\)' };
  const parse = verdictParser(llmbar);

  it.each<{ name: string; output: string; expected: Verdict }>([
    { name: '"Output (a)"', output: 'Output (a)', expected: 'A' },
    { name: '"Output (b)"', output: 'Output (b)', expected: 'B' },
    { name: 'reasoning then "Output (b)"', output: 'The first one ignores the word limit.\nOutput (b)', expected: 'B' },
    { name: 'both', output: 'Output (a) is fluent, Output (b) is correct.', expected: 'UNPARSEABLE' },
    { name: 'neither', output: 'The second output is better.', expected: 'UNPARSEABLE' },
    { name: 'MT-Bench label is not an LLMBar label', output: '[[A]]', expected: 'UNPARSEABLE' },
    { name: 'empty string', output: '', expected: 'UNPARSEABLE' },
  ])('$name -> $expected', ({ output, expected }) => {
    expect(parse(output)).toBe(expected);
  });

  it('with no tie pattern, a tie-like text is not a verdict', () => {
    expect(parse('Both are equally good: [[C]]')).toBe('UNPARSEABLE');
  });

  it.each<{ field: 'verdictA' | 'verdictB' | 'verdictTie'; bad: string; patterns: Parameters<typeof verdictParser>[0] }>([
    { field: 'verdictA', bad: 'unclosed group "Output (a"', patterns: { ...llmbar, verdictA: 'Output (a' } },
    { field: 'verdictB', bad: 'unclosed class "[b"', patterns: { ...llmbar, verdictB: '[b' } },
    { field: 'verdictTie', bad: 'bad group "(?<"', patterns: { ...llmbar, verdictTie: '(?<' } },
    { field: 'verdictA', bad: 'blank source', patterns: { ...llmbar, verdictA: '   ' } },
  ])('throws a TemplateError naming $field for a $bad', ({ field, patterns }) => {
    let caught: unknown;
    try {
      verdictParser(patterns);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TemplateError);
    expect((caught as TemplateError).field).toBe(field);
    expect((caught as TemplateError).message).toContain(field);
  });
});

describe(validateJudgeTemplate.name, () => {
  const custom: JudgeTemplate = {
    system: '',
    user: '# Instruction:\n{question}\n# Output (a):\n{answer_a}\n# Output (b):\n{answer_b}\n# Which is better, Output (a) or Output (b)?',
    verdictA: 'Output \\(a\\)',
    verdictB: 'Output \\(b\\)',
  };

  it('accepts the default template and a well-formed custom one', () => {
    expect(() => validateJudgeTemplate(DEFAULT_JUDGE_TEMPLATE)).not.toThrow();
    expect(() => validateJudgeTemplate(custom)).not.toThrow();
  });

  it.each(['{question}', '{answer_a}', '{answer_b}'])('rejects a user text missing %s, naming the user field', (placeholder) => {
    const template = { ...custom, user: custom.user.replace(placeholder, '') };
    expect(() => validateJudgeTemplate(template)).toThrow(TemplateError);
    expect(() => validateJudgeTemplate(template)).toThrow(placeholder);
    try {
      validateJudgeTemplate(template);
    } catch (error) {
      expect((error as TemplateError).field).toBe('user');
    }
  });

  it('rejects an invalid verdict pattern, naming it', () => {
    expect(() => validateJudgeTemplate({ ...custom, verdictA: '(' })).toThrow(/verdictA/);
  });
});

describe(judgePrompt.name, () => {
  it('replaces each placeholder once and keeps the system text', () => {
    const messages = judgePrompt(DEFAULT_JUDGE_TEMPLATE, 'What is 2+2?', 'It is 4.', 'It is 5.');
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({ role: 'system', content: DEFAULT_JUDGE_TEMPLATE.system });
    expect(messages[1]!.role).toBe('user');
    const user = messages[1]!.content;
    expect(user).toBe(
      '[User Question]\nWhat is 2+2?\n\n' +
        "[The Start of Assistant A's Answer]\nIt is 4.\n[The End of Assistant A's Answer]\n\n" +
        "[The Start of Assistant B's Answer]\nIt is 5.\n[The End of Assistant B's Answer]",
    );
    expect(user).not.toMatch(/\{(question|answer_a|answer_b)\}/);
  });

  it.each([
    { name: 'answer A contains {answer_b}', q: 'Q', a: 'literally {answer_b}', b: 'SECOND', expectA: 'literally {answer_b}' },
    { name: 'answer A contains {question}', q: 'Q', a: 'see {question}', b: 'SECOND', expectA: 'see {question}' },
    { name: 'answer A contains a $& replacement pattern', q: 'Q', a: 'cost: $& and $1', b: 'SECOND', expectA: 'cost: $& and $1' },
  ])('does not substitute again: $name', ({ q, a, b, expectA }) => {
    const template: JudgeTemplate = { ...DEFAULT_JUDGE_TEMPLATE, user: 'Q={question}|A={answer_a}|B={answer_b}' };
    const [message] = judgePrompt(template, q, a, b).filter((m) => m.role === 'user');
    expect(message!.content).toBe(`Q=${q}|A=${expectA}|B=${b}`);
  });

  it('does not substitute a placeholder that the question brings in', () => {
    const template: JudgeTemplate = { ...DEFAULT_JUDGE_TEMPLATE, user: '{question}/{answer_a}/{answer_b}' };
    expect(judgePrompt(template, 'fill {answer_a}', 'x', 'y').at(-1)!.content).toBe('fill {answer_a}/x/y');
  });

  it('replaces a placeholder used twice in the template at both places', () => {
    const template: JudgeTemplate = { ...DEFAULT_JUDGE_TEMPLATE, user: '{question} {answer_a} {answer_b} again: {question}' };
    expect(judgePrompt(template, 'Q', 'a', 'b').at(-1)!.content).toBe('Q a b again: Q');
  });

  it.each(['', '   \n'])('sends no system message when the system text is %j', (system) => {
    const messages = judgePrompt({ ...DEFAULT_JUDGE_TEMPLATE, system }, 'Q', 'a', 'b');
    expect(messages.map((m) => m.role)).toEqual(['user']);
  });
});

describe(parseModification.name, () => {
  const t = MODIFIED_INSTRUCTION_TAGS;
  const p = PAIR_PLACEHOLDERS;
  const original = 'Explain why the sky is blue.';
  const xPrime = 'Explain why sunsets are red.';
  const yL = 'At sunset light crosses more air, so blue light is scattered away and red remains.';
  const tagged = (instruction = xPrime, response = yL) =>
    `${t.instructionStart}\n${instruction}\n${t.instructionEnd}\n${t.responseStart}\n${response}\n${t.responseEnd}`;
  const wellFormed = tagged();
  const template = tagged(p.instruction, p.response);
  const ok = (habits: string[]) => ({ ok: true, modifiedInstruction: xPrime, response: yL, habits });

  it.each<{ name: string; output: string; finish?: string | null; habits: string[] }>([
    { name: 'the well-formed tagged format', output: wellFormed, habits: [] },
    { name: 'extra text around the tags', output: `Sure! Here it is:\n\n${wellFormed}\n\nLet me know if you need more.`, habits: [] },
    { name: 'no new lines between tags and text', output: `${t.instructionStart}${xPrime}${t.instructionEnd}${t.responseStart}${yL}${t.responseEnd}`, habits: [] },
    { name: 'tags in lower case', output: wellFormed.toLowerCase().replace(xPrime.toLowerCase(), xPrime).replace(yL.toLowerCase(), yL), habits: ['tags in another case or spacing'] },
    { name: 'tags in upper case with doubled spaces', output: wellFormed.replace(t.instructionStart, '[THE  START OF MODIFIED INSTRUCTION]'), habits: ['tags in another case or spacing'] },
    { name: 'the format template echoed before the answer', output: `${template}\n\n${wellFormed}`, habits: ['template echoed: read the last block'] },
    { name: 'a whole earlier draft, then the final block', output: `${tagged('Draft x prime', 'Draft answer')}\n${wellFormed}`, habits: ['template echoed: read the last block'] },
    { name: 'the final closing tag missing on a complete answer (stop)', output: wellFormed.replace(t.responseEnd, ''), finish: 'stop', habits: ['final closing tag missing on a complete answer'] },
    { name: 'a closing tag repeated after the block', output: `${wellFormed}\n${t.responseEnd}`, habits: [] },
  ])('accepts $name', ({ output, finish, habits }) => {
    expect(parseModification(output, original, finish === undefined ? 'stop' : finish)).toEqual(ok(habits));
  });

  it('keeps the inner text of a multi-line response, trimmed', () => {
    const response = 'Line one.\n\n  - a point\n  - another point';
    expect(parseModification(tagged(xPrime, `\n  ${response}  \n`), original)).toEqual({ ok: true, modifiedInstruction: xPrime, response, habits: [] });
  });

  it.each<{ name: string; output: string; finish?: string | null; reason: string }>([
    { name: 'missing instruction start tag', output: wellFormed.replace(t.instructionStart, ''), reason: `missing tag ${t.instructionStart}` },
    { name: 'missing instruction end tag', output: wellFormed.replace(t.instructionEnd, ''), reason: `missing tag ${t.instructionEnd}` },
    { name: 'missing response start tag', output: wellFormed.replace(t.responseStart, ''), reason: `missing tag ${t.responseStart} after ${t.instructionEnd}` },
    {
      name: 'the final closing tag missing on a cut-off answer (length)',
      output: wellFormed.replace(t.responseEnd, ''),
      finish: 'length',
      reason: `missing tag ${t.responseEnd} (finish_reason length: the answer may be cut off)`,
    },
    {
      name: 'the final closing tag missing with no finish reason',
      output: wellFormed.replace(t.responseEnd, ''),
      finish: null,
      reason: `missing tag ${t.responseEnd} (finish_reason unknown: the answer may be cut off)`,
    },
    { name: 'empty output', output: '', reason: `missing tag ${t.instructionStart}` },
    { name: 'untagged prose', output: `${xPrime}\n\n${yL}`, reason: `missing tag ${t.instructionStart}` },
    { name: 'the template echoed alone', output: template, reason: "modified instruction is the template's placeholder, not an answer" },
    {
      name: 'the template echoed, then a cut-off answer',
      output: `${template}\n${tagged().replace(t.responseEnd, '')}`,
      finish: 'length',
      reason: `missing tag ${t.responseEnd} (finish_reason length: the answer may be cut off)`,
    },
    {
      name: 'response block before instruction block',
      output: `${t.responseStart}\n${yL}\n${t.responseEnd}\n${t.instructionStart}\n${xPrime}\n${t.instructionEnd}`,
      reason: `missing tag ${t.responseStart} after ${t.instructionEnd}`,
    },
    { name: "empty x'", output: tagged(''), reason: 'empty modified instruction' },
    { name: "white-space-only x'", output: tagged('  \n\t'), reason: 'empty modified instruction' },
    { name: "empty response to x'", output: tagged(xPrime, '\n'), reason: 'empty response to the modified instruction' },
    { name: "x' equal to x", output: tagged(original), reason: 'modified instruction is the same as the original' },
    { name: "x' equal to x modulo case and white space", output: tagged('  EXPLAIN   why the\nsky is BLUE.  '), reason: 'modified instruction is the same as the original' },
  ])('rejects $name with a reason', ({ output, finish, reason }) => {
    expect(parseModification(output, original, finish === undefined ? 'stop' : finish)).toEqual({ ok: false, reason });
  });

  it("accepts an x' that differs from x only by punctuation here (the instruction-similarity filter judges it)", () => {
    expect(parseModification(tagged('Explain why the sky is blue?'), original).ok).toBe(true);
  });
});

describe(parseWorseRewrite.name, () => {
  const t = WORSE_RESPONSE_TAGS;
  const worse = 'The sky is blue because it is.';
  it.each<{ name: string; output: string; finish: string | null; expected: ReturnType<typeof parseWorseRewrite> }>([
    { name: 'the tagged rewrite', output: `${t.start}\n${worse}\n${t.end}`, finish: 'stop', expected: { ok: true, response: worse, habits: [] } },
    { name: 'lower-case tags', output: `${t.start.toLowerCase()}\n${worse}\n${t.end.toLowerCase()}`, finish: 'stop', expected: { ok: true, response: worse, habits: ['tags in another case or spacing'] } },
    { name: 'no closing tag, stopped', output: `${t.start}\n${worse}`, finish: 'stop', expected: { ok: true, response: worse, habits: ['final closing tag missing on a complete answer'] } },
    { name: 'no closing tag, cut off', output: `${t.start}\n${worse}`, finish: 'length', expected: { ok: false, reason: `missing tag ${t.end} (finish_reason length: the answer may be cut off)` } },
    { name: 'prose without tags', output: worse, finish: 'stop', expected: { ok: false, reason: `missing tag ${t.start}` } },
    { name: 'the placeholder', output: `${t.start}\n${PAIR_PLACEHOLDERS.worse}\n${t.end}`, finish: 'stop', expected: { ok: false, reason: "worse response is the template's placeholder, not an answer" } },
  ])('$name', ({ output, finish, expected }) => {
    expect(parseWorseRewrite(output, finish)).toEqual(expected);
  });
});

describe('the pair prompts', () => {
  it("show x and y_w and ask for an answer to x' that is not a good response to x", () => {
    const [message, ...rest] = modifiedInstructionPrompt('Why is the sky blue?', 'Rayleigh scattering.');
    expect(rest).toEqual([]);
    expect(message!.role).toBe('user');
    expect(message!.content).toContain('Why is the sky blue?');
    expect(message!.content).toContain('Rayleigh scattering.');
    expect(message!.content).toContain(NOT_GOOD_FOR_ORIGINAL);
    expect(message!.content.indexOf('Rayleigh scattering.')).toBeLessThan(message!.content.indexOf(NOT_GOOD_FOR_ORIGINAL));
  });

  it('send y_w\'s instruction alone unless a system prompt is set', () => {
    expect(answerPrompt('Why?')).toEqual([{ role: 'user', content: 'Why?' }]);
    expect(answerPrompt('Why?', '  ')).toEqual([{ role: 'user', content: 'Why?' }]);
    expect(answerPrompt('Why?', 'Be brief.')).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Why?' }]);
  });
});

describe(parseCategory.name, () => {
  const categories = ['reasoning', 'coding', 'math', 'writing', 'knowledge', 'roleplay', 'extraction', 'other'];

  it.each<{ name: string; output: string; expected: string | null }>([
    { name: '"Category: reasoning"', output: 'Category: reasoning', expected: 'reasoning' },
    { name: 'lower-case key, bold name and full stop', output: 'category: **Math**.', expected: 'math' },
    { name: 'a short preamble then the line', output: 'The instruction asks for a program.\nCategory: coding', expected: 'coding' },
    { name: 'quoted name', output: 'Category: "writing"', expected: 'writing' },
    { name: 'upper case name', output: 'CATEGORY: ROLEPLAY', expected: 'roleplay' },
    { name: 'the bare name alone', output: 'extraction', expected: 'extraction' },
    { name: 'the Category line wins over other names mentioned', output: 'Category: math\n(not coding)', expected: 'math' },
    {
      name: 'reasoning that names a category on the way, then the final Category line',
      output: 'Is it Category: math? No: it needs several steps of deduction.\nCategory: reasoning',
      expected: 'reasoning',
    },
    { name: 'a name not in the list', output: 'Category: astrology', expected: null },
    { name: 'two names mentioned, no Category line', output: 'This is partly reasoning and partly math.', expected: null },
    { name: 'no name at all', output: 'I cannot classify this.', expected: null },
    { name: 'empty output', output: '', expected: null },
  ])('$name -> $expected', ({ output, expected }) => {
    expect(parseCategory(output, categories)).toBe(expected);
  });

  it('returns the category as the list spells it', () => {
    expect(parseCategory('Category: stem', ['Writing', 'STEM'])).toBe('STEM');
  });
});

describe(normalizeText.name, () => {
  it.each([
    { input: 'Hello World', expected: 'hello world' },
    { input: '  leading and trailing  ', expected: 'leading and trailing' },
    { input: 'tabs\tand\nnew\r\nlines   collapse', expected: 'tabs and new lines collapse' },
    { input: 'non\u00a0breaking space', expected: 'non breaking space' },
    { input: 'ｆｕｌｌｗｉｄｔｈ ＡＢＣ', expected: 'fullwidth abc' },
    { input: '\ufb01nd the \ufb02ow', expected: 'find the flow' },
    { input: 'Caf\u0065\u0301', expected: 'caf\u00e9' },
    { input: 'Punctuation, kept!', expected: 'punctuation, kept!' },
    { input: '', expected: '' },
    { input: ' \n\t ', expected: '' },
  ])('$input -> $expected', ({ input, expected }) => {
    expect(normalizeText(input)).toBe(expected);
  });

  it('is idempotent', () => {
    const once = normalizeText('  A\u00a0 B\tＣ ');
    expect(normalizeText(once)).toBe(once);
  });
});
