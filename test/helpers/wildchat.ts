/**
 * WildChat-shaped conversation rows (the columns of allenai/WildChat: conversation_hash, model,
 * conversation [{role, content, language, toxic, redacted}], turn, language, toxic, redacted),
 * generated deterministically, and written as Parquet with hyparquet-writer.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';

export type WildChatTurn = { role: 'user' | 'assistant'; content: string; language: string; toxic: boolean; redacted: boolean };
export type WildChatRow = { conversation_hash: string; model: string; conversation: WildChatTurn[]; turn: number; language: string; toxic: boolean; redacted: boolean };

const LANGUAGES = ['English', 'English', 'English', 'Chinese', 'Russian', 'French'];

/** `count` conversations: row i has 1 + i % 3 user turns; every 10th is toxic, every 25th redacted. */
export function wildChatRows(count: number): WildChatRow[] {
  return Array.from({ length: count }, (_, i) => {
    const turns = 1 + (i % 3);
    const language = LANGUAGES[i % LANGUAGES.length]!;
    const toxic = i % 10 === 9;
    const redacted = i % 25 === 24;
    const conversation: WildChatTurn[] = [];
    for (let t = 0; t < turns; t += 1) {
      conversation.push({ role: 'user', content: `Question ${i}.${t + 1}: how would you reason about puzzle number ${i * 7 + t}?`, language, toxic, redacted });
      conversation.push({ role: 'assistant', content: `An answer to question ${i}.${t + 1}.`, language, toxic: false, redacted: false });
    }
    return { conversation_hash: `h${i.toString(16).padStart(8, '0')}`, model: 'gpt-3.5-turbo', conversation, turn: turns, language, toxic, redacted };
  });
}

export function wildChatParquet(rows: readonly WildChatRow[], rowGroupSize = 1_000): Uint8Array {
  const column = <K extends keyof WildChatRow>(name: K) => rows.map((r) => r[name]);
  return new Uint8Array(
    parquetWriteBuffer({
      rowGroupSize,
      columnData: [
        { name: 'conversation_hash', data: column('conversation_hash'), type: 'STRING' },
        { name: 'model', data: column('model'), type: 'STRING' },
        { name: 'conversation', data: column('conversation') },
        { name: 'turn', data: column('turn'), type: 'INT32' },
        { name: 'language', data: column('language'), type: 'STRING' },
        { name: 'toxic', data: column('toxic'), type: 'BOOLEAN' },
        { name: 'redacted', data: column('redacted'), type: 'BOOLEAN' },
      ],
    }),
  );
}
