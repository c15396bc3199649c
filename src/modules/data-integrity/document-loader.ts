import { Injectable } from '@nestjs/common';
import type { DocumentLoader } from '@digitalbazaar/vc';
import { multikeyView, routeDocumentUrl } from '../../domain/credentials/data-integrity-loader.js';
import { NetworkService } from '../network/network.service.js';
import { ResolverService } from '../registry/resolver.service.js';

/** Where the network's status list credentials come from (the status module registers it). */
export type StatusListSource = (id: string) => Promise<Record<string, unknown> | undefined>;

/** A document the loader could not give; its message names the URL. */
export class DocumentRefused extends Error {}

/**
 * The JSON-LD document loader of every Data Integrity operation (docs/data-integrity.md): the
 * shipped contexts, did:isthmus / did:key / did:jwk documents and verification methods from this
 * region's resolver (keys as Multikeys), the network's status lists; anything else is refused
 * naming the URL. Nothing is ever fetched.
 */
@Injectable()
export class DocumentLoaderService {
  private statusLists: StatusListSource | undefined;
  private readonly statusListBases: string[];

  constructor(
    private readonly resolver: ResolverService,
    network: NetworkService,
  ) {
    this.statusListBases = network.genesis.regions.map((r) => `${r.url.replace(/\/$/, '')}/status-lists/`);
  }

  serveStatusLists(source: StatusListSource): void {
    this.statusLists = source;
  }

  /** A loader; `overrides` (URL → document) are answered first: a verification's chosen key and controller. */
  loader(overrides?: ReadonlyMap<string, Record<string, unknown>>): DocumentLoader {
    return async (url: string) => {
      const given = overrides?.get(url);
      if (given) return { document: given, documentUrl: url, contextUrl: null };
      const route = routeDocumentUrl(url, this.statusListBases);
      if (route.kind === 'context') return { document: route.document, documentUrl: url, contextUrl: null };
      if (route.kind === 'refused') throw new DocumentRefused(route.reason);
      if (route.kind === 'status-list') {
        const list = await this.statusLists?.(route.id);
        if (!list) throw new DocumentRefused(`${url}: no such status list in this region's ledger copy`);
        return { document: list, documentUrl: url, contextUrl: null };
      }
      const resolved = await this.resolver.resolve(route.did);
      const document = resolved.didDocument as unknown as Parameters<typeof multikeyView>[0] | null;
      if (!document || resolved.didDocumentMetadata.deactivated) throw new DocumentRefused(`${url}: ${route.did} does not resolve to an active DID here`);
      const view = multikeyView(document, route.fragment);
      if (!view) throw new DocumentRefused(`${url}: no such verification method (with a key Data Integrity takes) in ${route.did}`);
      return { document: view, documentUrl: url, contextUrl: null };
    };
  }
}
