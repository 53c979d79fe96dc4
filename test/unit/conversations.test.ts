import { describe, expect, it } from 'vitest';
import { readConversationRow } from '../../src/services/imports/conversations.js';
import type { ConversationOptions } from '../../src/services/imports/conversations.js';

const base: ConversationOptions = { turns: 'FIRST', languages: null, minTurns: null, maxTurns: null, maxLength: 100 };
const turn = (role: string, content: string, extra: Record<string, unknown> = {}) => ({ role, content, ...extra });
const row = (conversation: unknown, extra: Record<string, unknown> = {}) => ({ conversation_hash: 'abc', conversation, ...extra });
const two = [turn('user', 'First question?'), turn('assistant', 'A.'), turn('user', 'Second question?', { toxic: false }), turn('assistant', 'B.')];

describe(readConversationRow.name, () => {
  it.each<{ name: string; value: unknown; options?: Partial<ConversationOptions>; expected: ReturnType<typeof readConversationRow> }>([
    { name: 'the first user turn', value: row(two), expected: { ok: true, instructions: [{ text: 'First question?', sourceId: 'abc' }], skipped: null } },
    {
      name: 'every user turn with turns ALL',
      value: row(two),
      options: { turns: 'ALL' },
      expected: { ok: true, instructions: [{ text: 'First question?', sourceId: 'abc#1' }, { text: 'Second question?', sourceId: 'abc#2' }], skipped: null },
    },
    { name: 'a toxic row', value: row(two, { toxic: true }), expected: { ok: true, instructions: [], skipped: 'flagged toxic' } },
    { name: 'a redacted row', value: row(two, { redacted: true }), expected: { ok: true, instructions: [], skipped: 'flagged redacted' } },
    {
      name: 'a toxic turn among others (turns ALL)',
      value: row([turn('user', 'Fine?'), turn('user', 'Bad.', { toxic: true })]),
      options: { turns: 'ALL' },
      expected: { ok: true, instructions: [{ text: 'Fine?', sourceId: 'abc#1' }], skipped: null },
    },
    { name: 'a language not asked for', value: row(two, { language: 'Russian' }), options: { languages: ['English'] }, expected: { ok: true, instructions: [], skipped: 'language Russian' } },
    { name: 'the language of the first user turn when the row has none', value: row([turn('user', 'Bonjour ?', { language: 'French' })]), options: { languages: ['french'] }, expected: { ok: true, instructions: [{ text: 'Bonjour ?', sourceId: 'abc' }], skipped: null } },
    { name: 'too few user turns', value: row(two), options: { minTurns: 3 }, expected: { ok: true, instructions: [], skipped: 'number of turns' } },
    { name: 'too many user turns', value: row(two), options: { maxTurns: 1 }, expected: { ok: true, instructions: [], skipped: 'number of turns' } },
    { name: 'a conversation that is not an array', value: row('hi'), expected: { ok: false, reason: 'field "conversation" must be an array of turns, found a string' } },
    { name: 'a turn without content', value: row([{ role: 'user' }]), expected: { ok: false, reason: 'turn 1 must be an object with a string "role" and "content"' } },
    { name: 'no user turn', value: row([turn('assistant', 'Hello')]), expected: { ok: false, reason: 'the conversation has no user turn' } },
    { name: 'a toxic flag that is not a boolean', value: row(two, { toxic: 'yes' }), expected: { ok: false, reason: 'field "toxic" must be a boolean, found a string' } },
    { name: 'an instruction over the length limit', value: row([turn('user', 'x'.repeat(101))]), expected: { ok: false, reason: 'user turn 1 is 101 characters long, over the limit of 100' } },
  ])('$name', ({ value, options, expected }) => {
    expect(readConversationRow(value, { ...base, ...options })).toEqual(expected);
  });
});
