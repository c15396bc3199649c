import { createHash } from 'node:crypto';

/**
 * What a peer serves is untrusted and unbounded: these keep it out of alarm text, logs and
 * stored evidence except as a length and a digest, so a hostile peer cannot grow them.
 */

/** Most bytes of a peer's answer, per call (docs/replication.md "Bounds"). */
export const PEER_LIMITS = {
  /** A checkpoint note: three lines and a few signature lines. */
  checkpoint: 16 * 1024,
  /** A consistency proof: at most 64 base64 hashes. */
  consistency: 16 * 1024,
  /** One page of entries; a page past it is asked again with fewer entries. */
  entriesPage: 8 * 1024 * 1024,
  /** The home region's answer to a forwarded DID operation. */
  forwardedAnswer: 1024 * 1024,
} as const;

/** Most characters of an alarm's detail, of a reason quoted in it, and of a log's lastError. */
export const MAX_DETAIL = 512;
const MAX_REASON = 200;
/** Most bytes of evidence stored per alarm. */
export const MAX_EVIDENCE = 8 * 1024;

export const sha256Hex = (text: string | Uint8Array): string => createHash('sha256').update(text).digest('hex');

/** "1048576 bytes, sha256 3f2a…": names peer bytes without quoting them. */
export function describeBytes(text: string): string {
  return `${Buffer.byteLength(text)} bytes, sha256 ${sha256Hex(text).slice(0, 16)}`;
}

/** Cuts `text` to `max` characters, saying how long it was and the digest of the whole. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = ` … (${describeBytes(text)})`;
  return text.slice(0, Math.max(0, max - tail.length)) + tail;
}

/**
 * Why a check of peer data failed, safe to store and log: the error's message with every
 * quoted value (which may be peer bytes) replaced by its length and digest, cut to a short line.
 */
export function peerReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const unquoted = message.replace(/"[^"]*"?/g, (quoted) => `<${describeBytes(quoted.replace(/^"|"$/g, ''))}>`);
  return clip(unquoted.replace(/\p{Cc}/gu, ' '), MAX_REASON);
}

/**
 * The evidence of an alarm as stored: each named text kept whole while the JSON fits in
 * MAX_EVIDENCE bytes; a text too large is cut, with its length and the digest of the whole,
 * so the evidence still identifies exactly what was served.
 */
export function boundEvidence(parts: Record<string, string | null>): string {
  const whole = JSON.stringify(parts);
  if (Buffer.byteLength(whole) <= MAX_EVIDENCE) return whole;
  // Escapes can make a character six bytes of JSON: shrink the kept prefix until it fits.
  for (let share = Math.floor(MAX_EVIDENCE / 2 / Math.max(1, Object.keys(parts).length)); ; share = Math.floor(share / 2)) {
    const out: Record<string, unknown> = {};
    for (const [name, text] of Object.entries(parts)) {
      if (text === null || text.length <= share) out[name] = text;
      else out[name] = { truncated: text.slice(0, share), bytes: Buffer.byteLength(text), sha256: sha256Hex(text) };
    }
    const bounded = JSON.stringify(out);
    if (Buffer.byteLength(bounded) <= MAX_EVIDENCE || share === 0) return bounded;
  }
}
