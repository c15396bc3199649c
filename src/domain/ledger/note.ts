import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { InvalidKeyError, InvalidSignatureError } from '../errors.js';
import { ed25519FromSeed } from '../keys/ed25519.js';

/** C2SP signed-note signature types used here. */
export const NOTE_ED25519 = 0x01;
export const NOTE_COSIGNATURE_V1 = 0x04;

export interface VerifierKey {
  readonly name: string;
  /** The 4-byte key id, as 8 hex characters. */
  readonly keyId: string;
  readonly type: number;
  readonly publicKey: KeyObject;
  /** The encoded form `<name>+<key id>+<base64(type ‖ public key)>`. */
  readonly encoded: string;
}

export interface SignerKey {
  readonly name: string;
  readonly keyId: string;
  readonly type: number;
  readonly privateKey: KeyObject;
  /** The verifier key string of the public half. */
  readonly verifierKey: string;
}

function validName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !/\p{C}/u.test(name);
}

/** Key id = first 4 bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): string {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([type]))
    .update(publicKey)
    .digest()
    .subarray(0, 4)
    .toString('hex');
}

const rawPublic = (key: KeyObject): Buffer => Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');

function ed25519Public(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  if (!validName(name)) throw new InvalidKeyError(`"${name}" is not a valid key name`);
  return `${name}+${noteKeyId(name, type, publicKey)}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

export function parseVerifierKey(encoded: string): VerifierKey {
  // Standard base64 may itself contain '+': only the first two are separators.
  const parts = /^([^+]+)\+([^+]+)\+(.+)$/s.exec(encoded);
  if (!parts) throw new InvalidKeyError(`"${encoded}" is not a verifier key (name+id+key)`);
  const [, name, keyId, material] = parts as unknown as [string, string, string, string];
  const bytes = Buffer.from(material, 'base64');
  if (!validName(name) || !/^[0-9a-f]{8}$/.test(keyId) || bytes.toString('base64') !== material) {
    throw new InvalidKeyError(`"${encoded}" is not a well-formed verifier key`);
  }
  const type = bytes[0]!;
  if ((type !== NOTE_ED25519 && type !== NOTE_COSIGNATURE_V1) || bytes.length !== 33) {
    throw new InvalidKeyError(`verifier key "${name}" is not an Ed25519 (0x01) or cosignature/v1 (0x04) key`);
  }
  if (noteKeyId(name, type, bytes.subarray(1)) !== keyId) throw new InvalidKeyError(`verifier key "${name}" has the wrong key id`);
  return { name, keyId, type, publicKey: ed25519Public(bytes.subarray(1)), encoded };
}

export function formatSignerKey(name: string, type: number, seed: Uint8Array): string {
  const publicKey = rawPublic(createPublicKey(ed25519FromSeed(seed)));
  return `PRIVATE+KEY+${name}+${noteKeyId(name, type, publicKey)}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`;
}

export function parseSignerKey(encoded: string): SignerKey {
  const parts = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+(.+)$/s.exec(encoded);
  if (!parts) throw new InvalidKeyError('not a signer key (PRIVATE+KEY+name+id+key)');
  const [, name, keyId, material] = parts as unknown as [string, string, string, string];
  const bytes = Buffer.from(material, 'base64');
  const type = bytes[0]!;
  if (!validName(name) || bytes.length !== 33 || (type !== NOTE_ED25519 && type !== NOTE_COSIGNATURE_V1)) {
    throw new InvalidKeyError(`signer key "${name}" is malformed`);
  }
  const privateKey = ed25519FromSeed(bytes.subarray(1));
  const publicKey = rawPublic(createPublicKey(privateKey));
  if (noteKeyId(name, type, publicKey) !== keyId) throw new InvalidKeyError(`signer key "${name}" has the wrong key id`);
  return { name, keyId, type, privateKey, verifierKey: formatVerifierKey(name, type, publicKey) };
}

/** A fresh Ed25519 key pair in both encodings. */
export function generateNoteKeyPair(name: string, type: number): { signerKey: string; verifierKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  const signerKey = formatSignerKey(name, type, seed);
  return { signerKey, verifierKey: parseSignerKey(signerKey).verifierKey };
}

export interface NoteSignature {
  readonly name: string;
  readonly keyId: string;
  /** The signature bytes after the key id. */
  readonly signature: Uint8Array;
  /** The whole line, as it appears in the note. */
  readonly line: string;
}

export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

const SIGNATURE_LINE = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u;

/** Splits a signed note into its text and signature lines (C2SP signed-note). */
export function parseNote(note: string): Note {
  if (!note.endsWith('\n')) throw new InvalidSignatureError('a signed note ends with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new InvalidSignatureError('a signed note has a blank line before its signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const signatures = lines.map((line) => {
    const match = SIGNATURE_LINE.exec(line);
    const bytes = match ? Buffer.from(match[2]!, 'base64') : Buffer.alloc(0);
    if (!match || bytes.length < 5) throw new InvalidSignatureError(`"${line}" is not a signature line`);
    return { name: match[1]!, keyId: bytes.subarray(0, 4).toString('hex'), signature: new Uint8Array(bytes.subarray(4)), line };
  });
  if (signatures.length === 0) throw new InvalidSignatureError('a signed note has at least one signature');
  return { text, signatures };
}

/** The signature line of `signer` over `text` (Ed25519, type 0x01). */
export function noteSignatureLine(text: string, signer: SignerKey): string {
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  return `\u2014 ${signer.name} ${Buffer.concat([Buffer.from(signer.keyId, 'hex'), signature]).toString('base64')}`;
}

/** Signs `text` (which ends in a newline) with each signer: the note text. */
export function signNote(text: string, signers: readonly SignerKey[]): string {
  if (!text.endsWith('\n')) throw new InvalidSignatureError('note text ends with a newline');
  for (const s of signers) if (s.type !== NOTE_ED25519) throw new InvalidKeyError(`key "${s.name}" is not an Ed25519 note key`);
  return `${text}\n${signers.map((s) => noteSignatureLine(text, s)).join('\n')}\n`;
}

/** Adds signature lines (cosignatures) to a signed note, keeping any it already has. */
export function appendSignatures(note: string, lines: readonly string[]): string {
  const parsed = parseNote(note);
  const present = new Set(parsed.signatures.map((s) => s.line));
  const added = lines.filter((l) => !present.has(l));
  return added.length === 0 ? note : `${note}${added.join('\n')}\n`;
}

/**
 * Verifies a note: every signature by a known Ed25519 verifier must be valid, and at least one
 * must be present. Signatures by unknown keys (or of other types) are ignored.
 */
export function verifyNote(note: string, verifiers: readonly VerifierKey[]): { text: string; signedBy: VerifierKey[] } {
  const { text, signatures } = parseNote(note);
  const signedBy: VerifierKey[] = [];
  for (const sig of signatures) {
    const key = verifiers.find((v) => v.type === NOTE_ED25519 && v.name === sig.name && v.keyId === sig.keyId);
    if (!key) continue;
    if (sig.signature.length !== 64 || !verify(null, Buffer.from(text, 'utf8'), key.publicKey, sig.signature)) {
      throw new InvalidSignatureError(`the signature of "${key.name}" does not verify`);
    }
    signedBy.push(key);
  }
  if (signedBy.length === 0) throw new InvalidSignatureError(`no signature by a known key (${verifiers.map((v) => v.name).join(', ')})`);
  return { text, signedBy };
}
