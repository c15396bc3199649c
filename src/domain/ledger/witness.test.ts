import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import { verifyCosignature } from './cosignature.js';
import { consistencyProof, leafHash, rootHash } from './merkle.js';
import { appendSignatures, generateNoteKeyPair, NOTE_COSIGNATURE_V1, NOTE_ED25519, parseSignerKey, parseVerifierKey, signNote } from './note.js';
import { addCheckpoint, parseAddCheckpoint, WitnessRefusal, type WitnessRecord, type WitnessStore } from './witness.js';

/** An in-memory store with the same compare-and-set contract. */
class MemoryStore implements WitnessStore {
  readonly records = new Map<string, WitnessRecord>();
  async latest(origin: string) {
    return this.records.get(origin);
  }
  async compareAndSet(origin: string, expected: WitnessRecord | undefined, next: WitnessRecord) {
    const current = this.records.get(origin);
    if (current?.size !== expected?.size || current?.rootHash !== expected?.rootHash) return false;
    this.records.set(origin, next);
    return true;
  }
}

const log = parseSignerKey(generateNoteKeyPair('example.com/log', NOTE_ED25519).signerKey);
const cosigner = parseSignerKey(generateNoteKeyPair('witness.example/w1', NOTE_COSIGNATURE_V1).signerKey);
const logs = [{ origin: 'example.com/log', keys: [parseVerifierKey(log.verifierKey)] }];
const leaves = Array.from({ length: 10 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
const note = (size: number) => signNote(formatCheckpoint({ origin: 'example.com/log', size, rootHash: rootHash(leaves.slice(0, size)) }), [log]);
const request = (old: number, size: number) => `old ${old}\n${(old === 0 || old === size ? [] : consistencyProof(leaves, old, size)).map((h) => `${Buffer.from(h).toString('base64')}\n`).join('')}\n${note(size)}`;
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WitnessRefusal);
  return error as WitnessRefusal;
};

describe('C2SP tlog-witness add-checkpoint', () => {
  it('cosigns a first checkpoint, then only ones that extend it, each with a valid cosignature/v1 line', async () => {
    const store = new MemoryStore();
    const line = await addCheckpoint(request(0, 4), logs, store, cosigner, 1_800_000_000);
    expect(line.endsWith('\n')).toBe(true);
    expect(verifyCosignature(appendSignatures(note(4), [line.trimEnd()]), parseVerifierKey(cosigner.verifierKey))).toEqual({ time: 1_800_000_000 });
    await addCheckpoint(request(4, 7), logs, store, cosigner, 1_800_000_001);
    expect(store.records.get('example.com/log')!.size).toBe(7);
    // The same checkpoint again is cosigned again (old size = size, same root).
    await addCheckpoint(request(7, 7), logs, store, cosigner, 1_800_000_002);
  });

  it('answers the statuses of the spec', async () => {
    const store = new MemoryStore();
    await addCheckpoint(request(0, 4), logs, store, cosigner, 1);
    expect(await refusal(addCheckpoint(request(0, 7), logs, store, cosigner, 1))).toMatchObject({ status: 409, latestSize: 4 });
    expect((await refusal(addCheckpoint(`old 5\n\n${note(4)}`, logs, store, cosigner, 1))).status).toBe(400);
    const other = parseSignerKey(generateNoteKeyPair('example.com/other', NOTE_ED25519).signerKey);
    expect((await refusal(addCheckpoint(`old 0\n\n${signNote(formatCheckpoint({ origin: 'example.com/other', size: 1, rootHash: leaves[0]! }), [other])}`, logs, store, cosigner, 1))).status).toBe(404);
    const impostor = parseSignerKey(generateNoteKeyPair('example.com/log', NOTE_ED25519).signerKey);
    expect((await refusal(addCheckpoint(`old 4\n\n${signNote(formatCheckpoint({ origin: 'example.com/log', size: 5, rootHash: leaves[0]! }), [impostor])}`, logs, store, cosigner, 1))).status).toBe(403);
    // A fork: size 4 with another root, validly signed.
    const fork = signNote(formatCheckpoint({ origin: 'example.com/log', size: 4, rootHash: leaves[0]! }), [log]);
    expect(await refusal(addCheckpoint(`old 4\n\n${fork}`, logs, store, cosigner, 1))).toMatchObject({ status: 409, latestSize: 4 });
    // A proof from another tree does not verify.
    const wrong = `old 4\n${consistencyProof(leaves.map((l, i) => (i === 5 ? leaves[9]! : l)), 4, 7).map((h) => `${Buffer.from(h).toString('base64')}\n`).join('')}\n${note(7)}`;
    expect((await refusal(addCheckpoint(wrong, logs, store, cosigner, 1))).status).toBe(422);
    expect(store.records.get('example.com/log')!.size).toBe(4);
  });

  it('parses requests strictly', () => {
    expect(parseAddCheckpoint(request(0, 3)).oldSize).toBe(0);
    for (const bad of ['', 'old 01\n\nx', 'old -1\n\nx', 'new 1\n\nx', 'old 1\nnot-base64\n\nx', `old 1\n${'AAAA\n'.repeat(1)}\nx`, `old 1\n${`${Buffer.alloc(32).toString('base64')}\n`.repeat(64)}\nx`]) {
      expect(() => parseAddCheckpoint(bad), JSON.stringify(bad)).toThrow(WitnessRefusal);
    }
  });
});
