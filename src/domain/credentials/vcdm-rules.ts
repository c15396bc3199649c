/**
 * The data-model rules of W3C VCDM 2.0 (section 4, and the related-resource integrity of 5.3) and
 * of VCDM 1.1, property by property, as one pure function: the issuer refuses a credential that
 * breaks one, the verifier fails its `data-model` check. Each problem names the property as a JSON
 * pointer into the credential (RFC 6901).
 */

export const VCDM2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const VCDM1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

export type DataModelVersion = '2.0' | '1.1';

export interface DataModelProblem {
  /** Where, as a JSON pointer into the credential ('' is the credential itself). */
  pointer: string;
  detail: string;
}

export interface DataModelOptions {
  /**
   * The issuer-signed payload of an SD-JWT whose disclosed content is being checked: a subject
   * that shows no claims because the holder withheld them all still had claims when signed.
   */
  signed?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

// XML Schema dateTimeStamp (VCDM 2.0 validFrom / validUntil): the time zone is mandatory.
const DATE_TIME_STAMP = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// XML Schema dateTime (VCDM 1.1 issuanceDate / expirationDate): the time zone is optional.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
// BCP 47 language tags, well-formed in shape (RFC 5646 section 2.1, loosely).
const LANGUAGE_TAG = /^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$/;
// Subresource Integrity hash-expression: <alg>-<base64 digest>, with optional options after '?'.
const SRI_HASH = /^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}(\?[\x21-\x7e]*)?$/;
// Multibase: a base prefix character, then the encoded Multihash.
const MULTIBASE = /^[a-zA-Z0-9][a-zA-Z0-9+/=_-]+$/;
const MEDIA_TYPE = /^[a-zA-Z0-9!#$&^_.+-]+\/[a-zA-Z0-9!#$&^_.+-]+(\s*;.*)?$/;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An absolute URL (VCDM 4.4): a scheme, no white space, and something WHATWG URL can parse. */
export const isUrl = (value: unknown): value is string => typeof value === 'string' && /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value) && URL.canParse(value);

const escape = (segment: string | number): string => String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
const at = (base: string, ...segments: (string | number)[]): string => base + segments.map((s) => `/${escape(s)}`).join('');

/** A value that is "one or more" (a single item or a non-empty array), each with its pointer. */
function oneOrMore(value: unknown, pointer: string, problems: DataModelProblem[], what: string): [unknown, string][] {
  if (!Array.isArray(value)) return [[value, pointer]];
  if (value.length === 0) problems.push({ pointer, detail: `must be one or more ${what}, not an empty array` });
  return value.map((item, i) => [item, at(pointer, i)]);
}

/** `type` (4.5): one or more terms or URLs; `required` names a type that must be among them. */
function checkType(value: unknown, pointer: string, problems: DataModelProblem[], required?: string): void {
  if (value === undefined) {
    problems.push({ pointer, detail: 'is required' });
    return;
  }
  const types = Array.isArray(value) ? value : [value];
  if (types.length === 0 || types.some((t) => typeof t !== 'string' || t.trim() === '')) {
    problems.push({ pointer, detail: 'must be one or more non-empty strings (terms or URLs)' });
    return;
  }
  if (required && !types.includes(required)) problems.push({ pointer, detail: `must include "${required}"` });
}

/** An optional or required `id` (4.4): a single URL. */
function checkId(value: unknown, pointer: string, problems: DataModelProblem[], required: boolean): void {
  if (value === undefined) {
    if (required) problems.push({ pointer, detail: 'is required' });
  } else if (!isUrl(value)) problems.push({ pointer, detail: 'must be a URL' });
}

/** `name` / `description` (4.6): a string, a language value object, or several of them. */
function checkLanguageValues(value: unknown, pointer: string, problems: DataModelProblem[]): void {
  if (value === undefined) return;
  for (const [item, where] of oneOrMore(value, pointer, problems, 'strings or language value objects')) {
    if (typeof item === 'string') continue;
    if (!isObject(item)) {
      problems.push({ pointer: where, detail: 'must be a string or a language value object' });
      continue;
    }
    for (const key of Object.keys(item)) {
      if (key !== '@value' && key !== '@language' && key !== '@direction') problems.push({ pointer: at(where, key), detail: 'a language value object has only @value, @language and @direction' });
    }
    if (typeof item['@value'] !== 'string') problems.push({ pointer: at(where, '@value'), detail: 'must be a string' });
    if (item['@language'] !== undefined && (typeof item['@language'] !== 'string' || !LANGUAGE_TAG.test(item['@language']))) {
      problems.push({ pointer: at(where, '@language'), detail: 'must be a BCP 47 language tag' });
    }
    if (item['@direction'] !== undefined && item['@direction'] !== 'ltr' && item['@direction'] !== 'rtl') {
      problems.push({ pointer: at(where, '@direction'), detail: 'must be "ltr" or "rtl"' });
    }
  }
}

function checkContext(value: unknown, first: string, problems: DataModelProblem[]): void {
  if (!Array.isArray(value) || value[0] !== first) {
    problems.push({ pointer: '/@context', detail: `must be an ordered set (array) that starts with "${first}"` });
    return;
  }
  value.forEach((entry, i) => {
    if (i === 0 || isObject(entry)) return;
    if (!isUrl(entry)) problems.push({ pointer: at('/@context', i), detail: typeof entry === 'string' ? 'must be a URL' : 'must be a URL or a context object' });
  });
}

function checkIssuer(value: unknown, version: DataModelVersion, problems: DataModelProblem[]): void {
  if (value === undefined) problems.push({ pointer: '/issuer', detail: 'is required' });
  else if (isObject(value)) {
    checkId(value.id, '/issuer/id', problems, true);
    if (version === '2.0') {
      checkLanguageValues(value.name, '/issuer/name', problems);
      checkLanguageValues(value.description, '/issuer/description', problems);
    }
  } else if (!isUrl(value)) problems.push({ pointer: '/issuer', detail: 'must be a URL or an object whose id is a URL' });
}

/** `credentialSubject` (4.8): one or more objects, each the subject of at least one claim. */
function checkSubjects(value: unknown, problems: DataModelProblem[], signed: unknown): void {
  if (value === undefined) {
    problems.push({ pointer: '/credentialSubject', detail: 'is required' });
    return;
  }
  const signedSubjects = Array.isArray(signed) ? signed : [signed];
  oneOrMore(value, '/credentialSubject', problems, 'objects').forEach(([subject, where], i) => {
    if (!isObject(subject)) {
      problems.push({ pointer: where, detail: 'must be an object' });
      return;
    }
    const signedSubject = signedSubjects[i];
    const withheld = isObject(signedSubject) && Array.isArray(signedSubject._sd) && signedSubject._sd.length > 0;
    if (Object.keys(subject).length === 0 && !withheld) problems.push({ pointer: where, detail: 'must make at least one claim about the subject' });
    checkId(subject.id, at(where, 'id'), problems, false);
  });
}

function checkDate(value: unknown, pointer: string, problems: DataModelProblem[], form: RegExp, example: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !form.test(value)) problems.push({ pointer, detail: `must be an XML Schema ${form === DATE_TIME_STAMP ? 'dateTimeStamp' : 'dateTime'}, e.g. ${example}` });
  else if (Number.isNaN(Date.parse(value))) problems.push({ pointer, detail: 'must be a real instant' });
}

/** A property whose value is one or more typed objects; `id` says whether each needs an id. */
interface TypedProperty {
  readonly property: string;
  readonly id: 'required' | 'optional';
}

/**
 * The objects VCDM requires a `type` of (2.0 section 4.5, and 4.10 to 4.11 and 5.4 to 5.6 for
 * ids); confidenceMethod and renderMethod are reserved extension points whose objects are typed
 * the same way.
 */
const TYPED_PROPERTIES: Record<DataModelVersion, readonly TypedProperty[]> = {
  '2.0': [
    { property: 'credentialStatus', id: 'optional' },
    { property: 'credentialSchema', id: 'required' },
    { property: 'termsOfUse', id: 'optional' },
    { property: 'evidence', id: 'optional' },
    { property: 'refreshService', id: 'optional' },
    { property: 'confidenceMethod', id: 'optional' },
    { property: 'renderMethod', id: 'optional' },
  ],
  // VCDM 1.1 sections 4.9, 5.4, 5.6 to 5.8: status, schema and refresh service need an id too.
  '1.1': [
    { property: 'credentialStatus', id: 'required' },
    { property: 'credentialSchema', id: 'required' },
    { property: 'termsOfUse', id: 'optional' },
    { property: 'evidence', id: 'optional' },
    { property: 'refreshService', id: 'required' },
  ],
};

function checkTypedObjects(credential: Json, { property, id }: TypedProperty, problems: DataModelProblem[]): void {
  if (credential[property] === undefined) return;
  for (const [item, where] of oneOrMore(credential[property], `/${property}`, problems, 'objects')) {
    if (!isObject(item)) {
      problems.push({ pointer: where, detail: 'must be an object' });
      continue;
    }
    checkType(item.type, at(where, 'type'), problems);
    checkId(item.id, at(where, 'id'), problems, id === 'required');
  }
}

/** `relatedResource` (5.3): each with a unique URL id and at least one digest of the resource. */
function checkRelatedResources(value: unknown, problems: DataModelProblem[]): void {
  if (value === undefined) return;
  const seen = new Set<string>();
  for (const [item, where] of oneOrMore(value, '/relatedResource', problems, 'objects')) {
    if (!isObject(item)) {
      problems.push({ pointer: where, detail: 'must be an object' });
      continue;
    }
    checkId(item.id, at(where, 'id'), problems, true);
    if (typeof item.id === 'string') {
      if (seen.has(item.id)) problems.push({ pointer: at(where, 'id'), detail: 'must be unique among the related resources' });
      seen.add(item.id);
    }
    if (item.digestSRI === undefined && item.digestMultibase === undefined) problems.push({ pointer: where, detail: 'must have a digestSRI or a digestMultibase' });
    for (const [name, form] of [
      ['digestSRI', SRI_HASH],
      ['digestMultibase', MULTIBASE],
    ] as const) {
      if (item[name] === undefined) continue;
      for (const [digest, digestAt] of oneOrMore(item[name], at(where, name), problems, 'digests')) {
        if (typeof digest !== 'string' || !form.test(digest)) problems.push({ pointer: digestAt, detail: name === 'digestSRI' ? 'must be an SRI hash expression, e.g. sha384-<base64>' : 'must be a Multibase-encoded Multihash' });
      }
    }
    if (item.mediaType !== undefined && (typeof item.mediaType !== 'string' || !MEDIA_TYPE.test(item.mediaType))) problems.push({ pointer: at(where, 'mediaType'), detail: 'must be a media type' });
  }
}

/** Every way `credential` breaks the data model of `version`; empty when it conforms. */
export function dataModelProblems(credential: unknown, version: DataModelVersion, options: DataModelOptions = {}): DataModelProblem[] {
  if (!isObject(credential)) return [{ pointer: '', detail: 'must be a JSON object' }];
  const problems: DataModelProblem[] = [];
  checkContext(credential['@context'], version === '2.0' ? VCDM2_CONTEXT : VCDM1_CONTEXT, problems);
  checkId(credential.id, '/id', problems, false);
  checkType(credential.type, '/type', problems, 'VerifiableCredential');
  checkIssuer(credential.issuer, version, problems);
  checkSubjects(credential.credentialSubject, problems, options.signed?.credentialSubject);
  if (version === '2.0') {
    checkLanguageValues(credential.name, '/name', problems);
    checkLanguageValues(credential.description, '/description', problems);
    checkDate(credential.validFrom, '/validFrom', problems, DATE_TIME_STAMP, '2026-01-01T00:00:00Z');
    checkDate(credential.validUntil, '/validUntil', problems, DATE_TIME_STAMP, '2026-01-01T00:00:00Z');
    checkRelatedResources(credential.relatedResource, problems);
  } else {
    if (credential.issuanceDate === undefined) problems.push({ pointer: '/issuanceDate', detail: 'is required' });
    checkDate(credential.issuanceDate, '/issuanceDate', problems, DATE_TIME, '2026-01-01T00:00:00Z');
    checkDate(credential.expirationDate, '/expirationDate', problems, DATE_TIME, '2026-01-01T00:00:00Z');
  }
  for (const typed of TYPED_PROPERTIES[version]) checkTypedObjects(credential, typed, problems);
  return problems;
}

/** One line for a check's detail or an error message: `<pointer> <detail>; …`. */
export const describeProblems = (problems: readonly DataModelProblem[]): string => problems.map((p) => `${p.pointer || '/'} ${p.detail}`).join('; ');

/**
 * The verifier's `data-model` check: the credential against the rules of the data model its
 * format carries (`context`: VCDM 2.0 for vc+jwt and vc+sd-jwt, 1.1 for jwt_vc_json).
 */
export function dataModelVerdict(credential: Json, context: string, options: DataModelOptions = {}): { passed: boolean; detail: string } {
  const version: DataModelVersion = context === VCDM1_CONTEXT ? '1.1' : '2.0';
  const problems = dataModelProblems(credential, version, options);
  return problems.length === 0 ? { passed: true, detail: `VCDM ${version}` } : { passed: false, detail: describeProblems(problems) };
}
