import { describe, expect, it } from 'vitest';
import { InvalidKeyError, InvalidSignatureError } from '../errors.js';
import { cosignCheckpoint, verifyCosignature } from './cosignature.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { appendSignatures, generateNoteKeyPair, NOTE_COSIGNATURE_V1, NOTE_ED25519, parseNote, parseSignerKey, parseVerifierKey, signNote, verifyNote } from './note.js';

// Golden vector: golang.org/x/mod/sumdb/note's own test key and note (Ed25519 is deterministic).
const GO_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const GO_SIGNER = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VERIFIER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_NOTE = `${GO_TEXT}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

describe('signed notes (C2SP signed-note)', () => {
  it('reproduces the Go note package vector', () => {
    const signer = parseSignerKey(GO_SIGNER);
    expect(signer.verifierKey).toBe(GO_VERIFIER);
    expect(signNote(GO_TEXT, [signer])).toBe(GO_NOTE);
    expect(verifyNote(GO_NOTE, [parseVerifierKey(GO_VERIFIER)]).text).toBe(GO_TEXT);
  });

  it('ignores unknown signers but needs one known', () => {
    const other = generateNoteKeyPair('other', NOTE_ED25519);
    const both = appendSignatures(GO_NOTE, [parseNote(signNote(GO_TEXT, [parseSignerKey(other.signerKey)])).signatures[0]!.line]);
    expect(verifyNote(both, [parseVerifierKey(GO_VERIFIER)]).signedBy.map((k) => k.name)).toEqual(['PeterNeumann']);
    expect(() => verifyNote(GO_NOTE, [parseVerifierKey(other.verifierKey)])).toThrow(/no signature by a known key/);
  });

  it('fails on any flipped byte of text or signature', () => {
    const verifier = parseVerifierKey(GO_VERIFIER);
    expect(() => verifyNote(GO_NOTE.replace('answer', 'Answer'), [verifier])).toThrow(InvalidSignatureError);
    const sigStart = GO_NOTE.indexOf('x08go');
    const flipped = GO_NOTE.slice(0, sigStart) + 'y' + GO_NOTE.slice(sigStart + 1);
    expect(() => verifyNote(flipped, [verifier])).toThrow(InvalidSignatureError);
  });

  it('refuses malformed keys', () => {
    expect(() => parseVerifierKey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(/wrong key id/);
    expect(() => parseVerifierKey('no-plus-signs')).toThrow(InvalidKeyError);
    expect(() => parseVerifierKey('name+c74f20a3+AAAA')).toThrow(InvalidKeyError);
  });
});

describe('checkpoints (C2SP tlog-checkpoint)', () => {
  const root = new Uint8Array(32).fill(7);

  it('round-trips', () => {
    const body = formatCheckpoint({ origin: 'isthmus/eu', size: 42, rootHash: root });
    expect(body).toBe(`isthmus/eu\n42\n${Buffer.from(root).toString('base64')}\n`);
    expect(parseCheckpoint(body)).toEqual({ origin: 'isthmus/eu', size: 42, rootHash: root, extensions: [] });
  });

  it.each([
    ['isthmus/eu\n042\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n', /leading zeros/],
    ['isthmus/eu\n1\nBwcH\n', /32 bytes/],
    ['isthmus/eu\n1\n', /origin, a size and a root/],
    ['isthmus/eu\n1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=', /newline/],
  ])('refuses %j', (body, message) => {
    expect(() => parseCheckpoint(body)).toThrow(message);
  });
});

describe('cosignatures (C2SP tlog-cosignature, cosignature/v1)', () => {
  const log = parseSignerKey(generateNoteKeyPair('isthmus/eu', NOTE_ED25519).signerKey);
  const cosigner = generateNoteKeyPair('isthmus/ap/cosigner', NOTE_COSIGNATURE_V1);
  const body = formatCheckpoint({ origin: 'isthmus/eu', size: 3, rootHash: new Uint8Array(32).fill(1) });
  const note = signNote(body, [log]);

  it('adds a verifiable, timestamped cosignature that leaves the log signature valid', () => {
    const line = cosignCheckpoint(body, parseSignerKey(cosigner.signerKey), 1_764_000_000);
    const cosigned = appendSignatures(note, [line]);
    expect(verifyCosignature(cosigned, parseVerifierKey(cosigner.verifierKey))).toEqual({ time: 1_764_000_000 });
    expect(verifyNote(cosigned, [parseVerifierKey(log.verifierKey)]).text).toBe(body);
    const bytes = Buffer.from(line.split(' ')[2]!, 'base64');
    expect(bytes).toHaveLength(4 + 8 + 64);
    expect(bytes.readBigUInt64BE(4)).toBe(1_764_000_000n);
  });

  it('fails for another body or a changed time', () => {
    const line = cosignCheckpoint(body, parseSignerKey(cosigner.signerKey), 1_764_000_000);
    const other = signNote(formatCheckpoint({ origin: 'isthmus/eu', size: 4, rootHash: new Uint8Array(32).fill(1) }), [log]);
    expect(() => verifyCosignature(appendSignatures(other, [line]), parseVerifierKey(cosigner.verifierKey))).toThrow(InvalidSignatureError);
    const bytes = Buffer.from(line.split(' ')[2]!, 'base64');
    bytes.writeBigUInt64BE(1_764_000_001n, 4);
    const moved = `${line.split(' ').slice(0, 2).join(' ')} ${bytes.toString('base64')}`;
    expect(() => verifyCosignature(appendSignatures(note, [moved]), parseVerifierKey(cosigner.verifierKey))).toThrow(InvalidSignatureError);
  });

  it('is absent when the cosigner has not signed', () => {
    expect(verifyCosignature(note, parseVerifierKey(cosigner.verifierKey))).toBeUndefined();
  });
});
