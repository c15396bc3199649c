import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DocumentLoaderService } from '../data-integrity/document-loader.js';
import { keySigner, secure } from '../data-integrity/suites.js';
import { decodeJws } from '../registry/did-jws.js';
import { RegistrarService } from '../registry/registrar.service.js';
import { StatusListReader, type ServedList } from './status-list-reader.js';
import { StatusListRepository } from './status-list.repository.js';

/** A list's Data Integrity form: the BitstringStatusListCredential with a DataIntegrityProof. */
export interface DataIntegrityList {
  readonly document: Record<string, unknown>;
  readonly etag: string;
  readonly maxAgeSeconds: number;
}

/**
 * BitstringStatusListCredentials secured with Data Integrity (docs/status.md): the content of
 * the list's newest signed version on the ledger, signed with eddsa-rdfc-2022 (ecdsa-rdfc-2019
 * for an issuer whose assertion keys are P-256 / P-384) by the issuer's key, once per version.
 * Only the region that publishes a list holds that key: elsewhere there is no DI form (the JWT
 * is served). Registered as the document loader's source of status lists.
 */
@Injectable()
export class DataIntegrityStatusLists implements OnModuleInit {
  private readonly signed = new Map<string, Promise<DataIntegrityList | undefined>>();

  constructor(
    private readonly reader: StatusListReader,
    private readonly repository: StatusListRepository,
    private readonly registrar: RegistrarService,
    private readonly documents: DocumentLoaderService,
  ) {}

  onModuleInit(): void {
    this.documents.serveStatusLists(async (id) => (await this.latest(id).catch(() => undefined))?.document);
  }

  /** The newest version's DI form, or undefined when this region cannot give one (a token list, another region's list, an issuer that cannot sign). */
  async latest(id: string): Promise<DataIntegrityList | undefined> {
    const served = await this.reader.latest(id);
    if (served.format !== 'vc+jwt') return undefined;
    const key = `${id}|${served.etag}`;
    let signing = this.signed.get(key);
    if (!signing) {
      signing = this.sign(id, served);
      for (const old of this.signed.keys()) if (old.startsWith(`${id}|`)) this.signed.delete(old); // one version per list
      this.signed.set(key, signing);
      signing.catch(() => this.signed.delete(key));
    }
    // A list whose issuer can no longer sign here (deactivated, key gone) has no DI form: the JWT is served.
    return signing.catch(() => undefined);
  }

  private async sign(id: string, served: ServedList): Promise<DataIntegrityList | undefined> {
    const list = await this.repository.get(id);
    if (!list) return undefined;
    const { iat: _iat, ...credential } = decodeJws(served.token)?.payload ?? {};
    const { kid, alg, key } = await this.registrar.assertionKey({ id: list.tenantId, name: '' }, list.issuerDid);
    const document = await secure(credential, alg === 'EdDSA' ? 'eddsa-rdfc-2022' : 'ecdsa-rdfc-2019', keySigner(kid, alg, key), this.documents.loader());
    return { document, etag: served.etag.replace(/"$/, '.di"'), maxAgeSeconds: served.maxAgeSeconds };
  }
}
