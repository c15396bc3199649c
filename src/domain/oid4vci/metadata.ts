/**
 * Credential issuer and authorization server metadata of one issuer tenant (OpenID4VCI 1.0 §12.2,
 * RFC 8414). Each tenant is its own credential issuer, identified by a path on its region's URL;
 * the same URL is its authorization server's issuer identifier.
 */

/** The four formats a region issues, each a credential configuration (its id is the format). */
export const CREDENTIAL_CONFIGURATIONS = ['dc+sd-jwt', 'vc+sd-jwt', 'jwt_vc_json', 'vc+jwt'] as const;
export type CredentialConfigurationId = (typeof CREDENTIAL_CONFIGURATIONS)[number];

export const isConfiguration = (id: unknown): id is CredentialConfigurationId => (CREDENTIAL_CONFIGURATIONS as readonly unknown[]).includes(id);

/** Path of a tenant's credential issuer identifier on its region's URL. */
export const issuerPath = (tenantId: string): string => `/oid4vci/issuers/${tenantId}`;

export interface IssuerEndpoints {
  readonly issuer: string;
  readonly token: string;
  readonly nonce: string;
  readonly credential: string;
}

export function endpoints(regionUrl: string, tenantId: string): IssuerEndpoints {
  const issuer = `${regionUrl}${issuerPath(tenantId)}`;
  return { issuer, token: `${issuer}/token`, nonce: `${issuer}/nonce`, credential: `${issuer}/credential` };
}

const binding = (algorithms: readonly string[]) => ({
  cryptographic_binding_methods_supported: ['jwk'],
  proof_types_supported: { jwt: { proof_signing_alg_values_supported: [...algorithms] } },
});

export function credentialIssuerMetadata(options: { regionUrl: string; tenantId: string; tenantName: string; vct: string; batchSize: number; proofAlgorithms: readonly string[]; signingAlgorithms: readonly string[] }): Record<string, unknown> {
  const e = endpoints(options.regionUrl, options.tenantId);
  const display = (name: string) => ({ display: [{ name, locale: 'en' }] });
  const common = { ...binding(options.proofAlgorithms), credential_signing_alg_values_supported: [...options.signingAlgorithms] };
  return {
    credential_issuer: e.issuer,
    authorization_servers: [e.issuer],
    credential_endpoint: e.credential,
    nonce_endpoint: e.nonce,
    batch_credential_issuance: { batch_size: options.batchSize },
    display: [{ name: options.tenantName, locale: 'en' }],
    credential_configurations_supported: {
      'dc+sd-jwt': { format: 'dc+sd-jwt', vct: options.vct, ...common, credential_metadata: display('SD-JWT VC') },
      // W3C VC-JOSE-COSE with SD-JWT: the credential is the payload (no vct of its own).
      'vc+sd-jwt': { format: 'vc+sd-jwt', ...common, credential_definition: { type: ['VerifiableCredential'] } },
      jwt_vc_json: { format: 'jwt_vc_json', ...common, credential_definition: { type: ['VerifiableCredential'] }, credential_metadata: display('VCDM 1.1 JWT') },
      'vc+jwt': { format: 'vc+jwt', ...common, credential_metadata: display('VC-JOSE-COSE JWT') },
    },
  };
}

export function authorizationServerMetadata(regionUrl: string, tenantId: string, dpopAlgorithms: readonly string[]): Record<string, unknown> {
  const e = endpoints(regionUrl, tenantId);
  return {
    issuer: e.issuer,
    token_endpoint: e.token,
    grant_types_supported: ['urn:ietf:params:oauth:grant-type:pre-authorized_code'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: ['none'],
    'pre-authorized_grant_anonymous_access_supported': true,
    dpop_signing_alg_values_supported: [...dpopAlgorithms],
  };
}
