/**
 * Independent verifiers written from the specifications (RFC 9162, C2SP signed-note,
 * did:key), sharing no code with src/: the tests check the service's answers with these, as an
 * outside auditor or wallet would.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { base58 } from '@scure/base';
import canonicalize from 'canonicalize';

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
export const rfc9162Leaf = (bytes: Uint8Array): Buffer => sha256(Buffer.from([0]), bytes);
const node = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);
export const jcs = (value: unknown): string => (canonicalize as unknown as (v: unknown) => string)(value);

/** RFC 9162 section 2.1.3.2. */
export function verifyInclusion(leafHash: Buffer, index: number, size: number, proof: Buffer[], root: Buffer): boolean {
  if (index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 section 2.1.4.2. */
export function verifyConsistency(first: number, second: number, firstHash: Buffer, secondHash: Buffer, proof: Buffer[]): boolean {
  if (first === second) return proof.length === 0 && firstHash.equals(secondHash);
  if (first === 0 || first > second || proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0;
}

/** C2SP signed-note: verifies the signature line of the named Ed25519 verifier key. */
export function verifySignedNote(note: string, verifierKey: string): { body: string; ok: boolean } {
  const [, name, hash, keyB64] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(verifierKey) as unknown as [string, string, string, string];
  const key = Buffer.from(keyB64, 'base64');
  const sep = note.lastIndexOf('\n\n');
  const body = note.slice(0, sep + 1);
  const lines = note.slice(sep + 2).split('\n').filter((l) => l !== '');
  for (const line of lines) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const sig = Buffer.from(m[2]!, 'base64');
    if (sig.subarray(0, 4).toString('hex') !== hash) continue;
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.subarray(1).toString('base64url') }, format: 'jwk' });
    return { body, ok: key[0] === 1 && verify(null, Buffer.from(body), publicKey, sig.subarray(4)) };
  }
  return { body, ok: false };
}

/** did:key for an Ed25519 public key (multicodec 0xed01, base58btc). */
export function ed25519DidKey(rawPublicKey: Uint8Array): string {
  return `did:key:z${base58.encode(new Uint8Array([0xed, 0x01, ...rawPublicKey]))}`;
}

/** did:key for a P-256 public key (multicodec 0x8024, compressed point). */
export function p256DidKey(x: Uint8Array, y: Uint8Array): string {
  const compressed = new Uint8Array([y[y.length - 1]! & 1 ? 3 : 2, ...x]);
  return `did:key:z${base58.encode(new Uint8Array([0x80, 0x24, ...compressed]))}`;
}

/** DID of a signed create operation: did:isthmus + 24 chars of lowercase base32(SHA-256(JCS)). */
export function isthmusDid(signedCreate: unknown): string {
  const digest = sha256(Buffer.from(jcs(signedCreate), 'utf8'));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `did:isthmus:${out.slice(0, 24)}`;
}

/** base64url SHA-256 of the JCS bytes: an operation's hash, as the next `prev`. */
export const operationRef = (signed: unknown): string => sha256(Buffer.from(jcs(signed), 'utf8')).toString('base64url');

/** C2SP tlog-cosignature (cosignature/v1): checks the named cosigner's line; returns its time. */
export function verifyCosignatureLine(note: string, cosignerVerifierKey: string): number | undefined {
  const [, name, hash, keyB64] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(cosignerVerifierKey) as unknown as [string, string, string, string];
  const key = Buffer.from(keyB64, 'base64');
  if (key[0] !== 4) return undefined;
  const sep = note.lastIndexOf('\n\n');
  const body = note.slice(0, sep + 1);
  for (const line of note.slice(sep + 2).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const sig = Buffer.from(m[2]!, 'base64');
    if (sig.length !== 76 || sig.subarray(0, 4).toString('hex') !== hash) continue;
    const time = Number(sig.readBigUInt64BE(4));
    const message = Buffer.from(`cosignature/v1\ntime ${time}\n${body}`);
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.subarray(1).toString('base64url') }, format: 'jwk' });
    return verify(null, message, publicKey, sig.subarray(12)) ? time : undefined;
  }
  return undefined;
}

/** The P-256 group order n (SEC 2): an ECDSA signature (r, s) has a twin (r, n − s). */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The other of the two ECDSA encodings of a 64-byte r‖s signature: (r, n − s). */
export function ecdsaTwin(signature: Uint8Array): Buffer {
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  return Buffer.concat([Buffer.from(signature.subarray(0, 32)), Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex')]);
}

/** The low-S form (s ≤ n/2) of a 64-byte r‖s signature, as wallets must send it. */
export function lowS(signature: Uint8Array): Buffer {
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  return s > P256_N / 2n ? ecdsaTwin(signature) : Buffer.from(signature);
}
