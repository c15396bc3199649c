import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { dataModelProblems, dataModelVerdict, VCDM1_CONTEXT, VCDM2_CONTEXT } from './vcdm-rules.js';
import { parseCredential } from './vcdm.js';

const SRI = 'sha384-S57yQDg1MTzF56Oi9DbSQ14u7jBy0RDdx0YbeV7shwhCS88G8SCXeFq82PafhCrW';
const MULTIBASE = 'uEiBZlVztZpfWHgPyslVv6-UwirFoQoRvW1htfx963sknNA';

/** A VCDM 2.0 credential that every rule accepts. */
const valid = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@context': [VCDM2_CONTEXT, 'https://www.w3.org/ns/credentials/examples/v2'],
  id: 'urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33',
  type: ['VerifiableCredential', 'ExampleDegreeCredential'],
  issuer: 'did:example:issuer',
  validFrom: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:subject', degree: 'MSc' },
  ...extra,
});

/** A VCDM 1.1 credential as the jwt_vc_json verifier reads it out of a token. */
const valid11 = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@context': [VCDM1_CONTEXT],
  type: ['VerifiableCredential'],
  issuer: 'did:example:issuer',
  issuanceDate: '2026-01-01T00:00:00Z',
  credentialSubject: { id: 'did:example:subject', degree: 'BSc' },
  ...extra,
});

const pointers = (credential: unknown, version: '2.0' | '1.1' = '2.0') => dataModelProblems(credential, version).map((p) => p.pointer);

describe('VCDM 2.0 rules: each failing input names its pointer, and the passing input has none', () => {
  it('a conforming credential has no problems', () => {
    expect(dataModelProblems(valid(), '2.0')).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    // 4.3 Contexts
    ['@context not an array', { '@context': VCDM2_CONTEXT }, ['/@context']],
    ['@context not starting with the v2 context', { '@context': [VCDM1_CONTEXT] }, ['/@context']],
    ['an @context entry that is not a URL', { '@context': [VCDM2_CONTEXT, 'https ://not-a-url/context'] }, ['/@context/1']],
    ['an @context entry that is a number', { '@context': [VCDM2_CONTEXT, 7] }, ['/@context/1']],
    // 4.4 Identifiers
    ['an id that is not a URL', { id: 'not a url' }, ['/id']],
    // 4.5 Types
    ['no type', { type: undefined }, ['/type']],
    ['type without VerifiableCredential', { type: ['ExampleDegreeCredential'] }, ['/type']],
    ['type with a non-string', { type: ['VerifiableCredential', 3] }, ['/type']],
    ['an empty type array', { type: [] }, ['/type']],
    // 4.6 Names and descriptions
    ['a name language object with another key', { name: { '@value': 'Degree', '@language': 'en', extra: 1 } }, ['/name/extra']],
    ['a description language object without @value', { description: { '@language': 'en' } }, ['/description/@value']],
    ['a name with a bad @direction', { name: [{ '@value': 'Degree', '@direction': 'up' }] }, ['/name/0/@direction']],
    ['a name with a bad @language', { name: { '@value': 'Degree', '@language': 'en us' } }, ['/name/@language']],
    ['a name that is a number', { name: 5 }, ['/name']],
    ['an issuer name language object with another key', { issuer: { id: 'did:example:issuer', name: { '@value': 'U', '@id': 'x' } } }, ['/issuer/name/@id']],
    ['an issuer description that is an object without @value', { issuer: { id: 'did:example:issuer', description: { text: 'U' } } }, ['/issuer/description/text', '/issuer/description/@value']],
    // 4.7 Issuer
    ['no issuer', { issuer: undefined }, ['/issuer']],
    ['an issuer that is not a URL', { issuer: 'issuer' }, ['/issuer']],
    ['an issuer object without id', { issuer: { name: 'U' } }, ['/issuer/id']],
    ['an issuer object whose id is not a URL', { issuer: { id: 'https ://u' } }, ['/issuer/id']],
    // 4.8 Credential subject
    ['no credentialSubject', { credentialSubject: undefined }, ['/credentialSubject']],
    ['an empty credentialSubject', { credentialSubject: {} }, ['/credentialSubject']],
    ['an empty credentialSubject array', { credentialSubject: [] }, ['/credentialSubject']],
    ['a subject id that is not a URL', { credentialSubject: { id: 'subject 1', degree: 'MSc' } }, ['/credentialSubject/id']],
    ['a second subject that is a string', { credentialSubject: [{ degree: 'MSc' }, 'did:example:b'] }, ['/credentialSubject/1']],
    // 4.9 Validity period
    ['validFrom without a time zone', { validFrom: '2026-01-01T00:00:00' }, ['/validFrom']],
    ['validUntil that is not a date', { validUntil: 'tomorrow' }, ['/validUntil']],
    ['validFrom that is no real instant', { validFrom: '2026-13-45T00:00:00Z' }, ['/validFrom']],
    // 4.10 Status
    ['credentialStatus without type', { credentialStatus: { id: 'https://example.com/status/1#5' } }, ['/credentialStatus/type']],
    ['credentialStatus with an id that is not a URL', { credentialStatus: [{ id: 'five', type: 'BitstringStatusListEntry' }] }, ['/credentialStatus/0/id']],
    // 4.11 Data schemas
    ['credentialSchema without type', { credentialSchema: { id: 'https://example.com/schema.json' } }, ['/credentialSchema/type']],
    ['credentialSchema without id', { credentialSchema: { type: 'JsonSchema' } }, ['/credentialSchema/id']],
    // 5.3 Integrity of related resources
    ['relatedResource without id', { relatedResource: [{ digestSRI: SRI }] }, ['/relatedResource/0/id']],
    ['relatedResource with duplicate ids', { relatedResource: [{ id: 'https://example.com/a', digestSRI: SRI }, { id: 'https://example.com/a', digestMultibase: MULTIBASE }] }, ['/relatedResource/1/id']],
    ['relatedResource without a digest', { relatedResource: { id: 'https://example.com/a', mediaType: 'image/png' } }, ['/relatedResource']],
    ['relatedResource with a malformed digestSRI', { relatedResource: { id: 'https://example.com/a', digestSRI: 'md5:abc' } }, ['/relatedResource/digestSRI']],
    ['relatedResource with a bad mediaType', { relatedResource: { id: 'https://example.com/a', digestSRI: SRI, mediaType: 'png' } }, ['/relatedResource/mediaType']],
    // 5.4 Refreshing, 5.5 Terms of use, 5.6 Evidence, reserved extension points
    ['refreshService without type', { refreshService: { id: 'https://example.com/refresh' } }, ['/refreshService/type']],
    ['termsOfUse without type', { termsOfUse: [{ id: 'https://example.com/tou' }] }, ['/termsOfUse/0/type']],
    ['evidence without type', { evidence: { id: 'https://example.com/evidence/1', verifier: 'https://example.edu' } }, ['/evidence/type']],
    ['evidence that is a string', { evidence: 'https://example.com/evidence/1' }, ['/evidence']],
    ['an empty evidence array', { evidence: [] }, ['/evidence']],
    ['confidenceMethod without type', { confidenceMethod: { id: 'did:example:subject#key-1' } }, ['/confidenceMethod/type']],
    ['renderMethod without type', { renderMethod: { id: 'https://example.com/template.svg' } }, ['/renderMethod/type']],
  ])('%s', (_why, change, expected) => {
    expect(pointers(valid(change))).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a context object after the v2 context', { '@context': [VCDM2_CONTEXT, { '@vocab': 'https://example.com/vocab#' }] }],
    ['type as one string', { type: 'VerifiableCredential' }],
    ['name and description as strings and language objects', { name: 'Degree', description: [{ '@value': 'Diplôme', '@language': 'fr', '@direction': 'ltr' }, { '@value': 'Degree', '@language': 'en-GB' }] }],
    ['an issuer object with id, name and description', { issuer: { id: 'did:example:issuer', name: { '@value': 'Universiteit', '@language': 'nl' }, description: 'A university' } }],
    ['subjects without id, as an array', { credentialSubject: [{ degree: 'MSc' }, { id: 'https://example.com/people/7', degree: 'BSc' }] }],
    ['validFrom and validUntil with offsets and fractions', { validFrom: '2026-01-01T00:00:00.5+02:00', validUntil: '2099-01-01T00:00:00-05:00' }],
    ['credentialStatus without id', { credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' } }],
    ['credentialSchema with id and type', { credentialSchema: [{ id: 'https://example.com/schema.json', type: 'JsonSchema' }] }],
    ['related resources with either digest', { relatedResource: [{ id: 'https://example.com/a', digestSRI: SRI, mediaType: 'application/ld+json' }, { id: 'https://example.com/b', digestMultibase: [MULTIBASE] }] }],
    ['typed refreshService, termsOfUse, evidence, confidenceMethod, renderMethod', {
      refreshService: { type: 'VerifiableCredentialRefreshService2021', url: 'https://example.com/refresh' },
      termsOfUse: { type: 'TrustFrameworkPolicy', id: 'https://example.com/policies/1' },
      evidence: [{ type: ['Evidence', 'DocumentVerification'] }],
      confidenceMethod: { type: 'ConfidenceMethod' },
      renderMethod: { type: 'SvgRenderingTemplate', id: 'https://example.com/template.svg' },
    }],
  ])('accepts %s', (_why, change) => {
    expect(dataModelProblems(valid(change), '2.0')).toEqual([]);
  });

  it('refuses a value that is not an object at all', () => {
    expect(pointers('a credential')).toEqual(['']);
  });

  it('escapes ~ and / in pointers (RFC 6901)', () => {
    expect(pointers(valid({ name: { '@value': 'x', 'a/b~c': 1 } }))).toEqual(['/name/a~1b~0c']);
  });

  it('an SD-JWT subject whose claims were all withheld is judged by the signed payload', () => {
    const disclosed = valid({ credentialSubject: {} });
    expect(dataModelProblems(disclosed, '2.0', { signed: { credentialSubject: { _sd: ['digest'] } } })).toEqual([]);
    expect(pointers(disclosed)).toEqual(['/credentialSubject']);
  });
});

describe('VCDM 1.1 rules, for what jwt_vc_json tokens carry', () => {
  it('a conforming 1.1 credential has no problems, and 2.0-only properties are not judged', () => {
    expect(dataModelProblems(valid11({ name: { other: 1 }, relatedResource: 'x' }), '1.1')).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a 2.0 context', { '@context': [VCDM2_CONTEXT] }, ['/@context']],
    ['no issuanceDate', { issuanceDate: undefined }, ['/issuanceDate']],
    ['an expirationDate that is not a date', { expirationDate: 'soon' }, ['/expirationDate']],
    ['an empty subject', { credentialSubject: {} }, ['/credentialSubject']],
    ['credentialStatus without id (required in 1.1)', { credentialStatus: { type: 'StatusList2021Entry' } }, ['/credentialStatus/id']],
    ['refreshService without id (required in 1.1)', { refreshService: { type: 'ManualRefreshService2018' } }, ['/refreshService/id']],
    ['termsOfUse without type', { termsOfUse: { id: 'https://example.com/tou' } }, ['/termsOfUse/type']],
  ])('%s', (_why, change, expected) => {
    expect(pointers(valid11(change), '1.1')).toEqual(expected);
  });

  it('accepts an issuanceDate without a time zone (xsd:dateTime)', () => {
    expect(dataModelProblems(valid11({ issuanceDate: '2026-01-01T00:00:00' }), '1.1')).toEqual([]);
  });
});

describe('dataModelVerdict: the verifier check', () => {
  it('picks the rules by the format’s context and lists every problem with its pointer', () => {
    expect(dataModelVerdict(valid(), VCDM2_CONTEXT)).toEqual({ passed: true, detail: 'VCDM 2.0' });
    expect(dataModelVerdict(valid11(), VCDM1_CONTEXT)).toEqual({ passed: true, detail: 'VCDM 1.1' });
    expect(dataModelVerdict(valid({ credentialSubject: { id: 'x y' }, evidence: {} }), VCDM2_CONTEXT)).toEqual({
      passed: false,
      detail: '/credentialSubject/id must be a URL; /evidence/type is required',
    });
  });
});

describe('parseCredential: the issuer’s refusal', () => {
  const refusal = (input: unknown): InvalidInputError => {
    try {
      parseCredential(input);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      return error as InvalidInputError;
    }
    throw new Error('accepted');
  };

  it('names each pointer under /credential', () => {
    const error = refusal(valid({ credentialSubject: {} }));
    expect(error.message).toBe('the credential is not a valid VCDM 2.0 credential: /credential/credentialSubject must make at least one claim about the subject');
    expect(error.details).toEqual({ errors: [{ pointer: '/credential/credentialSubject', detail: 'must make at least one claim about the subject' }] });
  });

  it('accepts VCDM 1.1 input for jwt_vc_json only, in the 2.0 shape the issuer signs from', () => {
    const input = valid11({ issuanceDate: '2026-01-01T00:00:00', expirationDate: '2027-01-01T00:00:00Z' });
    const parsed = parseCredential(input, 'jwt_vc_json');
    expect(parsed['@context'][0]).toBe(VCDM2_CONTEXT);
    expect(parsed).toMatchObject({ validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' });
    expect(parsed).not.toHaveProperty('issuanceDate');
    for (const format of ['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt']) {
      expect(() => parseCredential(input, format)).toThrow(/VCDM 1.1 input is accepted for jwt_vc_json only/);
    }
  });

  it('applies the 1.1 rules to 1.1 input: issuanceDate required, expirationDate not before it', () => {
    const { issuanceDate: _issued, ...undated } = valid11();
    expect(() => parseCredential(undated, 'jwt_vc_json')).toThrow(/\/credential\/issuanceDate is required/);
    expect(() => parseCredential(valid11({ issuanceDate: '2026-01-01T00:00:00Z', expirationDate: '2025-01-01T00:00:00Z' }), 'jwt_vc_json')).toThrow(/\/credential\/expirationDate must not be before issuanceDate/);
  });

  it('checks a credentialStatus’s shape too (the service keeps a well-formed one and signs it)', () => {
    expect(refusal(valid({ credentialStatus: { id: 'https://example.com/s#1' } })).message).toContain('/credential/credentialStatus/type is required');
    expect(parseCredential(valid({ credentialStatus: { type: 'BitstringStatusListEntry' } })).credentialStatus).toEqual({ type: 'BitstringStatusListEntry' });
  });

  it('refuses a proof and validUntil before validFrom; accepts a conforming credential as it is', () => {
    expect(refusal(valid({ proof: { type: 'DataIntegrityProof' } })).message).toContain('/credential/proof must be absent');
    expect(refusal(valid({ validUntil: '2025-01-01T00:00:00Z' })).message).toContain('/credential/validUntil must not be before validFrom');
    expect(parseCredential(valid())).toEqual(valid());
  });
});
