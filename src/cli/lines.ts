/**
 * Reads a file as lines of UTF-8 without holding it in memory: `\n` or `\r\n` line ends, a
 * leading byte-order mark dropped, and bytes that are not UTF-8 reported with their line number
 * (decoding them would silently turn them into U+FFFD).
 */
import { createReadStream } from 'node:fs';

export type Line = { number: number; text: string; bytes: number };

export class InvalidUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line} is not valid UTF-8 (the file must be UTF-8 encoded)`);
    this.name = 'InvalidUtf8Error';
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export async function* readLines(file: string): AsyncGenerator<Line> {
  let pending: Buffer = Buffer.alloc(0);
  let number = 0;
  const decode = (bytes: Buffer): Line => {
    number += 1;
    const raw = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
    let text: string;
    try {
      text = UTF8.decode(raw);
    } catch {
      throw new InvalidUtf8Error(number);
    }
    if (number === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    return { number, text, bytes: bytes.length + 1 };
  };
  for await (const chunk of createReadStream(file)) {
    let buffer = pending.length > 0 ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
    let nl = buffer.indexOf(0x0a);
    while (nl >= 0) {
      yield decode(buffer.subarray(0, nl));
      buffer = buffer.subarray(nl + 1);
      nl = buffer.indexOf(0x0a);
    }
    pending = Buffer.from(buffer);
  }
  if (pending.length > 0) yield decode(pending);
}
