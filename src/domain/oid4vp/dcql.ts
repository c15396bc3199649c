import { DcqlPresentationResult, DcqlQuery } from 'dcql';

/** The credential formats this verifier can verify when presented through OpenID4VP. */
export const SUPPORTED_FORMATS = ['dc+sd-jwt'] as const;

export type ParsedDcql = { query: DcqlQuery } | { problem: string; pointer: string };

/**
 * A relying party's DCQL query (OpenID4VP 1.0 section 6), parsed and validated by the `dcql`
 * library, then held to what this verifier can check: formats it verifies, and no
 * trusted_authorities (X.509 AKI, ETSI lists and federations are not how issuers are trusted
 * here; the request's trustedIssuers names issuer DIDs instead).
 */
export function parseDcqlQuery(input: unknown): ParsedDcql {
  let query: DcqlQuery;
  try {
    query = DcqlQuery.parse(input as DcqlQuery.Input);
    DcqlQuery.validate(query);
  } catch (error) {
    return { problem: `not a valid DCQL query: ${(error as Error).message}`, pointer: '/dcql' };
  }
  for (const [i, credential] of query.credentials.entries()) {
    if (!(SUPPORTED_FORMATS as readonly string[]).includes(credential.format)) {
      return { problem: `format ${credential.format} cannot be verified here; supported: ${SUPPORTED_FORMATS.join(', ')}`, pointer: `/dcql/credentials/${i}/format` };
    }
    if (credential.trusted_authorities !== undefined) {
      return { problem: 'trusted_authorities (X.509, ETSI trusted lists, federations) cannot be evaluated here: name issuer DIDs in trustedIssuers', pointer: `/dcql/credentials/${i}/trusted_authorities` };
    }
  }
  return { query };
}

/** One verified presentation, as the DCQL query sees it: what the wallet disclosed, before any policy. */
export interface PresentedCredential {
  readonly format: 'dc+sd-jwt';
  readonly issuer: string;
  readonly vct: string;
  readonly claims: Record<string, unknown>;
  readonly holderBound: boolean;
}

export type DcqlVerdict = { satisfied: true } | { satisfied: false; problem: string };

/**
 * Whether the verified presentations answer the query: every credential query id they name is
 * in the query, each satisfies its query (format, vct, claim paths and values, holder binding),
 * the credential sets (or all credential queries) are met, and every issuer is trusted.
 */
export function dcqlVerdict(query: DcqlQuery, presented: Record<string, readonly PresentedCredential[]>, trustedIssuers?: readonly string[]): DcqlVerdict {
  for (const [id, list] of Object.entries(presented)) {
    const untrusted = trustedIssuers ? list.find((c) => !trustedIssuers.includes(c.issuer)) : undefined;
    if (untrusted) return { satisfied: false, problem: `credential query ${id}: the issuer ${untrusted.issuer} is not one of the request's trustedIssuers` };
  }
  let result: DcqlPresentationResult;
  try {
    const presentation = Object.fromEntries(
      Object.entries(presented).map(([id, list]) => [id, list.map((c) => ({ credential_format: c.format, vct: c.vct, claims: c.claims as never, cryptographic_holder_binding: c.holderBound }))]),
    );
    result = DcqlPresentationResult.fromDcqlPresentation(presentation, { dcqlQuery: query });
  } catch (error) {
    return { satisfied: false, problem: `the vp_token does not fit the DCQL query: ${(error as Error).message}` };
  }
  if (result.can_be_satisfied) return { satisfied: true };
  const unmet = Object.entries(result.credential_matches)
    .filter(([, match]) => !match.success)
    .map(([id]) => id);
  const missing = query.credentials.map((c) => c.id).filter((id) => !(id in presented));
  const parts = [unmet.length > 0 ? `not satisfied: ${unmet.join(', ')}` : '', missing.length > 0 ? `not presented: ${missing.join(', ')}` : ''].filter(Boolean);
  return { satisfied: false, problem: `the presentation does not satisfy the DCQL query (${parts.join('; ') || 'credential sets unmet'})` };
}
