/**
 * Signatures of webhook messages, both ways: `X-STE-Signature: sha256=<hex HMAC-SHA256 of
 * "<X-STE-Timestamp>.<raw body>">` with the trainer's secret, the timestamp in Unix seconds. A
 * message older (or newer) than MAX_SKEW_SECONDS is refused, so a captured message cannot be
 * replayed later; within that window a replayed report finds its job already reported.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const MAX_SKEW_SECONDS = 300;

export function sign(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Why a signed message is refused, or null when it is genuine and fresh. */
export function verifySignature(secret: string, timestamp: string | undefined, signature: string | undefined, body: Buffer, nowMs = Date.now()): string | null {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed X-STE-Timestamp';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > MAX_SKEW_SECONDS) return `stale X-STE-Timestamp (more than ${MAX_SKEW_SECONDS} s from now)`;
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(signature ?? '');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad X-STE-Signature';
  return null;
}

/** A fresh token (hex) and the hash that is stored instead of it. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('hex');
  return { token, hash: tokenHash(token) };
}

export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
