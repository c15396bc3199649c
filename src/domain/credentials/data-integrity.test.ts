import { describe, expect, it } from 'vitest';
import { anchoredSignature, coversPointer, dataIntegrityDigest, isBaseProof, jsonLdError, mandatoryPointersFor, pointerResolves, readProof, requireCryptosuite, safeModeError, safeModeProblem, withholdableClaims } from './data-integrity.js';
import { InvalidInputError } from '../errors.js';

const credential = {
  '@context': ['https://www.w3.org/ns/credentials/v2'],
  type: ['VerifiableCredential'],
  issuer: 'did:isthmus:abc',
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:key:z6Mk', 'a/b': 1, degree: { name: 'MSc' }, list: [1, 2] },
};

describe('cryptosuite choice', () => {
  it('names the allowed suites when refusing', () => {
    expect(requireCryptosuite('ecdsa-sd-2023')).toBe('ecdsa-sd-2023');
    expect(() => requireCryptosuite('rsa-2018')).toThrow(/eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, ecdsa-sd-2023, bbs-2023/);
    expect(() => requireCryptosuite(undefined)).toThrow(InvalidInputError);
  });
});

describe('mandatory pointers', () => {
  it('resolve JSON pointers with escapes and array indexes', () => {
    expect(pointerResolves(credential, '/credentialSubject/a~1b')).toBe(true);
    expect(pointerResolves(credential, '/credentialSubject/list/1')).toBe(true);
    expect(pointerResolves(credential, '/credentialSubject/list/2')).toBe(false);
    expect(pointerResolves(credential, '/credentialSubject/list/01')).toBe(false);
    expect(pointerResolves(credential, 'credentialSubject')).toBe(false);
  });

  it('add issuer, type and dates, and refuse pointers that name nothing', () => {
    expect(mandatoryPointersFor(credential, ['/credentialSubject/degree'])).toEqual(['/issuer', '/type', '/validFrom', '/credentialSubject/degree']);
    expect(mandatoryPointersFor(credential, [], ['credentialStatus'])).toEqual(['/issuer', '/type', '/validFrom', '/credentialStatus']); // status entries the service appends
    try {
      mandatoryPointersFor(credential, ['/credentialSubject/shoeSize', 'x']);
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidInputError).details?.errors).toEqual([
        { pointer: '/options/mandatoryPointers/0', detail: '/credentialSubject/shoeSize names no value of the credential' },
        { pointer: '/options/mandatoryPointers/1', detail: expect.stringContaining('JSON pointer') },
      ]);
    }
  });

  it('leave the uncovered subject claims withholdable (a protected claim must be one of them)', () => {
    expect(coversPointer('/credentialSubject', '/credentialSubject/degree')).toBe(true);
    expect(coversPointer('/credentialSubject/deg', '/credentialSubject/degree')).toBe(false);
    expect(withholdableClaims(credential.credentialSubject, ['/issuer', '/credentialSubject/degree'])).toEqual(['/credentialSubject/id', '/credentialSubject/a~1b', '/credentialSubject/list']);
    expect(withholdableClaims(credential.credentialSubject, ['/credentialSubject'])).toEqual([]);
    expect(withholdableClaims([{ x: 1 }, { y: 2 }], ['/credentialSubject/1/y'])).toEqual(['/credentialSubject/0/x']);
  });
});

describe('JSON-LD safe mode', () => {
  const jsonldError = Object.assign(new Error('Safe mode validation error.'), {
    details: { event: { code: 'invalid property', message: 'Dropping property that did not expand into an absolute IRI or keyword.', details: { property: 'shoeSize', expandedProperty: 'shoeSize' } } },
  });

  it('maps the refusal to a 400 naming the term and where it is', () => {
    const problem = safeModeProblem(jsonldError)!;
    expect(problem.term).toBe('shoeSize');
    const error = safeModeError(problem, { credentialSubject: [{ shoeSize: 1 }, { shoeSize: 2 }] });
    expect(error.message).toContain('"shoeSize"');
    expect(error.message).toContain('undefined-terms/v2');
    expect((error.details?.errors as { pointer: string }[]).map((e) => e.pointer)).toEqual(['/credential/credentialSubject/0/shoeSize', '/credential/credentialSubject/1/shoeSize']);
  });

  it('maps the other JSON-LD refusals to a 400: a context not shipped names its URL', () => {
    const notShipped = jsonLdError(Object.assign(new Error('Dereferencing a URL did not result in a valid JSON-LD object.'), { name: 'jsonld.InvalidUrl', details: { code: 'loading remote context failed', url: 'https://example.com/ctx' } }));
    expect(notShipped?.message).toContain('https://example.com/ctx is not one this service ships');
    expect((notShipped?.details?.errors as { pointer: string }[])[0]!.pointer).toBe('/credential/@context');
    const syntax = jsonLdError(Object.assign(new Error('Invalid JSON-LD syntax; "@id" value must a string.'), { name: 'jsonld.SyntaxError', details: { code: 'invalid @id value' } }));
    expect(syntax?.message).toContain('invalid @id value');
    expect(jsonLdError(new TypeError('x'))).toBeUndefined();
  });

  it('leaves other errors alone', () => {
    expect(safeModeProblem(new Error('boom'))).toBeUndefined();
    expect(safeModeProblem(null)).toBeUndefined();
  });
});

describe('proofs and anchors', () => {
  const proof = { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', verificationMethod: 'did:isthmus:abc#key-1', proofPurpose: 'assertionMethod', proofValue: 'z3yMhK' };

  it('reads only DataIntegrityProofs of the five suites', () => {
    expect(readProof(proof)).toEqual(proof);
    expect(readProof({ ...proof, type: 'Ed25519Signature2020' })).toHaveProperty('problem');
    expect(readProof({ ...proof, cryptosuite: 'rsa' })).toHaveProperty('problem');
    expect(readProof({ ...proof, proofValue: '' })).toHaveProperty('problem');
  });

  it('anchor the signature that base and derived ecdsa-sd-2023 proofs share', () => {
    const signature = Buffer.alloc(64, 7);
    const cbor = (tag: number) => Buffer.concat([Buffer.from([0xd9, 0x5d, tag, 0x85, 0x58, 0x40]), signature, Buffer.from([0x01])]);
    const base = { ...proof, cryptosuite: 'ecdsa-sd-2023', proofValue: `u${cbor(0).toString('base64url')}` };
    const derived = { ...base, proofValue: `u${cbor(1).toString('base64url')}` };
    expect(isBaseProof(base)).toBe(true);
    expect(isBaseProof(derived)).toBe(false);
    expect(Buffer.from(anchoredSignature(base)!)).toEqual(signature);
    expect(dataIntegrityDigest(base)).toBe(dataIntegrityDigest(derived));
    expect(dataIntegrityDigest(proof)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(dataIntegrityDigest({ ...proof, proofValue: 'u' + Buffer.from([0xd9, 0x5d, 0x03, 0x85]).toString('base64url') })).toBeUndefined(); // a bbs-2023 derived proof: unlinkable
  });
});
