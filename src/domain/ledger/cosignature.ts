import { sign, verify } from 'node:crypto';
import { InvalidKeyError, InvalidSignatureError } from '../errors.js';
import { NOTE_COSIGNATURE_V1, parseNote, type SignerKey, type VerifierKey } from './note.js';

/** The message a cosigner signs (C2SP tlog-cosignature, cosignature/v1). */
function cosignedMessage(checkpointBody: string, time: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${time}\n${checkpointBody}`, 'utf8');
}

/** A cosignature line over a checkpoint body at `time` (Unix seconds). */
export function cosignCheckpoint(checkpointBody: string, cosigner: SignerKey, time: number): string {
  if (cosigner.type !== NOTE_COSIGNATURE_V1) throw new InvalidKeyError(`key "${cosigner.name}" is not a cosignature/v1 key`);
  if (!Number.isSafeInteger(time) || time < 0) throw new InvalidSignatureError('a cosignature time is whole Unix seconds');
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const signature = sign(null, cosignedMessage(checkpointBody, time), cosigner.privateKey);
  return `\u2014 ${cosigner.name} ${Buffer.concat([Buffer.from(cosigner.keyId, 'hex'), stamp, signature]).toString('base64')}`;
}

/** Finds and checks the cosignature of `cosigner` in a signed checkpoint note; its time, or undefined if absent. */
export function verifyCosignature(note: string, cosigner: VerifierKey): { time: number } | undefined {
  if (cosigner.type !== NOTE_COSIGNATURE_V1) throw new InvalidKeyError(`key "${cosigner.name}" is not a cosignature/v1 key`);
  const { text, signatures } = parseNote(note);
  const line = signatures.find((s) => s.name === cosigner.name && s.keyId === cosigner.keyId);
  if (!line) return undefined;
  if (line.signature.length !== 72) throw new InvalidSignatureError(`the cosignature of "${cosigner.name}" is not timestamp ‖ Ed25519 signature`);
  const time = Buffer.from(line.signature.subarray(0, 8)).readBigUInt64BE();
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidSignatureError(`the cosignature time of "${cosigner.name}" is out of range`);
  if (!verify(null, cosignedMessage(text, Number(time)), cosigner.publicKey, line.signature.subarray(8))) {
    throw new InvalidSignatureError(`the cosignature of "${cosigner.name}" does not verify`);
  }
  return { time: Number(time) };
}
