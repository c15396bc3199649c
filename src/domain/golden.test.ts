import { createPrivateKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveDid, foldChain, operationHash, operationSigningBytes, parseOperation, type DidOperation, type UnsignedOperation } from './did/index.js';
import {
  appendSignatures,
  canonicalJson,
  consistencyProof,
  cosignCheckpoint,
  entryLeafHash,
  formatCheckpoint,
  inclusionProof,
  parseLedgerEntry,
  parseSignerKey,
  parseVerifierKey,
  rootHash,
  signNote,
  verifyCosignature,
  verifyNote,
} from './ledger/index.js';

// The worked examples of docs/did-method.md and docs/ledger.md: our code must reproduce them
// byte for byte (Ed25519 signatures are deterministic), so the documents cannot drift.
const read = (name: string) => JSON.parse(readFileSync(new URL(`../../test/vectors/${name}`, import.meta.url), 'utf8'));
const did = read('did/example.json');
const ledger = read('ledger/example.json');
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

describe('the did:isthmus worked example', () => {
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(did.rotationSeedHex, 'hex')]), format: 'der', type: 'pkcs8' });
  const resign = (op: DidOperation): DidOperation => {
    const { sig: _sig, ...unsigned } = op;
    return { ...unsigned, sig: sign(null, operationSigningBytes(unsigned as UnsignedOperation), key).toString('base64url') };
  };

  it('signs, hashes and derives exactly as documented', () => {
    const create = parseOperation(did.create);
    expect(resign(create)).toEqual(did.create);
    expect(new TextDecoder().decode(operationSigningBytes(create))).toBe(did.createSigningJcs);
    expect(canonicalJson(create)).toBe(did.createJcs);
    expect(operationHash(create)).toBe(did.createHash);
    expect(deriveDid(create)).toBe(did.did);
    expect(operationHash(parseOperation(did.update))).toBe(did.updateHash);
    expect(resign(parseOperation(did.deactivate))).toEqual(did.deactivate);
  });

  it('folds into a deactivated DID', () => {
    const items = [did.create, did.update, did.deactivate].map((op, index) => ({ operation: parseOperation(op), time: new Date(Date.UTC(2026, 10, 23, 12, 0, index)), log: 'eu', index }));
    expect(foldChain(items)).toMatchObject({ did: did.did, deactivated: true, version: 3 });
  });
});

describe('the ledger worked example', () => {
  const entries = ledger.entries.map((text: string) => parseLedgerEntry(JSON.parse(text)));
  const leaves = entries.map(entryLeafHash);

  it('hashes the entries into the documented leaves and roots', () => {
    entries.forEach((entry: Parameters<typeof canonicalJson>[0], i: number) => expect(canonicalJson(entry)).toBe(ledger.entries[i]));
    expect(leaves.map(b64)).toEqual(ledger.leafHashes);
    expect([1, 2, 3].map((n) => b64(rootHash(leaves.slice(0, n))))).toEqual(ledger.roots);
    expect(inclusionProof(leaves, 1, 3).map(b64)).toEqual(ledger.inclusion1of3);
    expect(consistencyProof(leaves, 2, 3).map(b64)).toEqual(ledger.consistency2to3);
  });

  it('signs and cosigns the documented checkpoint', () => {
    const body = formatCheckpoint({ origin: 'isthmus/eu', size: 3, rootHash: rootHash(leaves) });
    expect(body).toBe(ledger.checkpointBody);
    const log = parseSignerKey(ledger.logSignerKey);
    const cosigner = parseSignerKey(ledger.cosignerSignerKey);
    expect(log.verifierKey).toBe(ledger.logVerifierKey);
    expect(appendSignatures(signNote(body, [log]), [cosignCheckpoint(body, cosigner, 1795478400)])).toBe(ledger.note);
    expect(verifyNote(ledger.note, [parseVerifierKey(ledger.logVerifierKey)]).text).toBe(body);
    expect(verifyCosignature(ledger.note, parseVerifierKey(ledger.cosignerVerifierKey))).toEqual({ time: 1795478400 });
  });
});
