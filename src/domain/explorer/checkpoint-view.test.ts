import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseVerifierKey } from '../ledger/note.js';
import type { GenesisRegion } from '../network/genesis.js';
import { checkConsistency, checkpointView, inclusionVerified } from './checkpoint-view.js';

// The worked example of docs/ledger.md section 6.
const example = JSON.parse(readFileSync(new URL('../../../test/vectors/ledger/example.json', import.meta.url), 'utf8')) as { note: string; logVerifierKey: string; cosignerVerifierKey: string; roots: string[]; leafHashes: string[]; inclusion1of3: string[]; consistency2to3: string[] };
const unused = parseVerifierKey(example.logVerifierKey as string);
const regions: GenesisRegion[] = [
  { id: 'eu', url: 'http://eu.example', logKey: parseVerifierKey(example.logVerifierKey), cosignerKey: unused, governanceKey: unused },
  { id: 'ap', url: 'http://ap.example', logKey: unused, cosignerKey: parseVerifierKey(example.cosignerVerifierKey), governanceKey: unused },
];

describe('checkpointView', () => {
  it('reads the checkpoint and verifies the log signature and the cosignature against the genesis keys', () => {
    const view = checkpointView(example.note, 'eu', regions);
    expect(view).toMatchObject({ origin: 'isthmus/eu', size: 3, rootHash: example.roots[2], unknownSigners: [] });
    expect(view.signers).toEqual([
      { region: 'eu', role: 'log', keyName: 'isthmus/eu', result: 'verified' },
      { region: 'ap', role: 'cosigner', keyName: 'isthmus/ap/cosigner', result: 'verified', time: new Date(1795478400 * 1000).toISOString() },
    ]);
  });

  it('says failed for a signature that does not verify and absent for a missing one', () => {
    const lines = (example.note as string).split('\n');
    const tampered = lines.map((l, i) => (i === 4 ? l.replace(/.(=*)$/, (c, pad: string) => (c.startsWith('A') ? 'B' : 'A') + pad) : l)).join('\n');
    expect(checkpointView(tampered, 'eu', regions).signers.map((s) => s.result)).toEqual(['failed', 'verified']);
    const uncosigned = lines.filter((l) => !l.includes('cosigner')).join('\n');
    expect(checkpointView(uncosigned, 'eu', regions).signers.map((s) => s.result)).toEqual(['verified', 'absent']);
  });
});

describe('checkConsistency and inclusionVerified', () => {
  it('verify the example proofs and refuse altered ones', () => {
    expect(checkConsistency(2, 3, example.roots[1], example.roots[2], example.consistency2to3).verified).toBe(true);
    expect(checkConsistency(2, 3, example.roots[0], example.roots[2], example.consistency2to3).verified).toBe(false);
    expect(checkConsistency(3, 2, example.roots[2], example.roots[1], []).verified).toBe(false);
    const proof = { index: 1, size: 3, leafHash: example.leafHashes[1], rootHash: example.roots[2], proof: example.inclusion1of3 };
    expect(inclusionVerified(proof, example.roots[2])).toBe(true);
    expect(inclusionVerified({ ...proof, leafHash: example.leafHashes[0] }, example.roots[2])).toBe(false);
    expect(inclusionVerified(proof, example.roots[1])).toBe(false);
  });
});
