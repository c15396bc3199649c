import { InvalidInputError } from '../errors.js';

export const FORMATS = ['vc+jwt', 'vc+sd-jwt', 'dc+sd-jwt', 'jwt_vc_json'] as const;
export type CredentialFormat = (typeof FORMATS)[number];

/** A VCDM 2.0 enveloped credential: the token as a data: URL of its media type. */
export function envelope(format: CredentialFormat, token: string): Record<string, unknown> {
  return { '@context': ['https://www.w3.org/ns/credentials/v2'], type: 'EnvelopedVerifiableCredential', id: `data:application/${format},${token}` };
}

/** The token and its format from an enveloped credential or a bare token. */
export function unwrap(input: unknown): { token: string; format: CredentialFormat | undefined } {
  if (typeof input === 'string') return { token: input.trim(), format: undefined };
  const type = input && typeof input === 'object' ? (input as { type?: unknown }).type : undefined;
  if (type === 'EnvelopedVerifiableCredential' || type === 'EnvelopedVerifiablePresentation') {
    const context = (input as { '@context'?: unknown })['@context'];
    // VC-JOSE-COSE 3.x: an envelope is itself a VCDM 2.0 object, its context first.
    if (!Array.isArray(context) || context[0] !== 'https://www.w3.org/ns/credentials/v2') {
      throw new InvalidInputError(`an ${String(type)} has an @context array that starts with https://www.w3.org/ns/credentials/v2`);
    }
    const id = String((input as { id?: unknown }).id ?? '');
    const match = /^data:application\/([a-z0-9+_-]+)(?:;[^,]*)?,(.+)$/s.exec(id);
    if (!match) throw new InvalidInputError(`an ${String(type)} has id data:application/<format>,<token>`);
    const format = FORMATS.find((f) => f === match[1]);
    if (!format) throw new InvalidInputError(`unsupported credential media type application/${match[1]}`);
    return { token: match[2]!, format };
  }
  throw new InvalidInputError(`expected an enveloped credential or presentation (type EnvelopedVerifiableCredential or EnvelopedVerifiablePresentation), or a token string; got type ${JSON.stringify(type)}`);
}
