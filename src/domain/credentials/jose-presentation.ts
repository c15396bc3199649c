import { VCDM2_CONTEXT } from './vcdm.js';

/** VC-JOSE-COSE media types of a presentation: the payload (after disclosure) is the VCDM 2.0 presentation. */
export const PRESENTATION_FORMATS = ['vp+jwt', 'vp+sd-jwt'] as const;
export type PresentationFormat = (typeof PRESENTATION_FORMATS)[number];

/** The credential media types a VCDM 2.0 presentation may envelope here. */
export const ENVELOPED_CREDENTIAL_FORMATS = ['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt'] as const;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The VC-JOSE-COSE presentation media type a token or envelope is, or undefined: an
 * EnvelopedVerifiablePresentation's data: URL names it; a compact token says it in its `typ`.
 */
export function presentationFormatOf(input: unknown): PresentationFormat | undefined {
  if (isObject(input)) {
    if (input.type !== 'EnvelopedVerifiablePresentation') return undefined;
    const match = /^data:application\/(vp\+jwt|vp\+sd-jwt)(?:;[^,]*)?,/.exec(String(input.id ?? ''));
    return match?.[1] as PresentationFormat | undefined;
  }
  if (typeof input !== 'string') return undefined;
  const header = input.trim().split('.')[0]!;
  try {
    const typ = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { typ?: unknown }).typ;
    return PRESENTATION_FORMATS.find((f) => f === typ);
  } catch {
    return undefined;
  }
}

/** The token inside a presentation envelope, or the compact token itself. */
export function presentationToken(input: unknown): string {
  if (typeof input === 'string') return input.trim();
  const id = String((input as { id?: unknown }).id ?? '');
  return id.slice(id.indexOf(',') + 1);
}

export type JosePresentation =
  | { readonly holder: string; readonly credentials: readonly unknown[]; readonly presentation: Record<string, unknown> }
  | { readonly problem: string };

/**
 * A VCDM 2.0 presentation as a vp+jwt / vp+sd-jwt payload: `@context` starting with the VCDM 2.0
 * context, `type` including VerifiablePresentation, a `holder` (a DID, or an object with its id;
 * `iss`, when present, the same), `verifiableCredential` absent or a list. The JWT claims
 * (iat, exp, nbf, nonce, aud, cnf, _sd, _sd_alg) are not part of the presentation returned.
 */
export function readJosePresentation(payload: Record<string, unknown>): JosePresentation {
  const context = payload['@context'];
  if (!Array.isArray(context) || context[0] !== VCDM2_CONTEXT) return { problem: `@context must be an array starting with ${VCDM2_CONTEXT}` };
  const types = Array.isArray(payload.type) ? payload.type : [payload.type];
  if (!types.includes('VerifiablePresentation')) return { problem: 'type must include VerifiablePresentation' };
  const holder = isObject(payload.holder) ? payload.holder.id : payload.holder;
  if (typeof holder !== 'string' || !holder.startsWith('did:')) return { problem: 'holder must be the DID of the presenter (a string, or an object with that id)' };
  if (payload.iss !== undefined && payload.iss !== holder) return { problem: `iss ${String(payload.iss)} is not the holder ${holder}` };
  const listed = payload.verifiableCredential;
  if (listed !== undefined && !Array.isArray(listed) && !isObject(listed)) return { problem: 'verifiableCredential must be a list of enveloped credentials' };
  const credentials = listed === undefined ? [] : Array.isArray(listed) ? listed : [listed];
  const { iat: _iat, exp: _exp, nbf: _nbf, nonce: _nonce, aud: _aud, cnf: _cnf, _sd: _s, _sd_alg: _a, iss: _iss, ...presentation } = payload;
  return { holder, credentials, presentation };
}

/**
 * Why an entry of a VCDM 2.0 presentation's verifiableCredential is not one we verify, or
 * undefined: it must be an EnvelopedVerifiableCredential of vc+jwt, vc+sd-jwt or dc+sd-jwt.
 */
export function envelopedCredentialProblem(entry: unknown): string | undefined {
  if (!isObject(entry) || entry.type !== 'EnvelopedVerifiableCredential') return 'a VCDM 2.0 presentation holds EnvelopedVerifiableCredential objects';
  const match = /^data:application\/([a-z0-9+_-]+)(?:;[^,]*)?,./s.exec(String(entry.id ?? ''));
  if (!match || !ENVELOPED_CREDENTIAL_FORMATS.some((f) => f === match[1])) {
    return `an enveloped credential's id must be a data: URL of ${ENVELOPED_CREDENTIAL_FORMATS.map((f) => `application/${f}`).join(', ')}`;
  }
  return undefined;
}

/**
 * Whether the JWS header names a key the holder may sign with: `kid` a DID URL of the holder;
 * without kid, the holder must be a did:key or did:jwk (whose one key is the DID itself).
 */
export function holderKidProblem(holder: string, kid: unknown): string | undefined {
  if (kid === undefined) {
    return holder.startsWith('did:key:') || holder.startsWith('did:jwk:') ? undefined : `kid must name the holder's authentication method (a DID URL of ${holder})`;
  }
  if (typeof kid !== 'string' || !kid.includes('#') || kid.slice(0, kid.indexOf('#')) !== holder) return `kid ${String(kid)} is not a DID URL of the holder ${holder}`;
  return undefined;
}
