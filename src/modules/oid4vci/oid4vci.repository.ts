import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { LessThanOrEqual, type DataSource } from 'typeorm';
import { Oid4vciNonceEntity, Oid4vciOfferEntity } from './oid4vci.entity.js';

/** Times are stored as fixed-width ms text, so that they compare as strings on both databases. */
export const stamp = (ms: number): string => String(Math.floor(ms)).padStart(16, '0');

/** What is recorded, by SHA-256: a c_nonce a credential request spent, a DPoP proof's key thumbprint and `jti`. */
export type NonceKind = 'c_nonce' | 'dpop_jti';

@Injectable()
export class Oid4vciRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private get offers() {
    return this.db.getRepository(Oid4vciOfferEntity);
  }

  private get nonces() {
    return this.db.getRepository(Oid4vciNonceEntity);
  }

  async insertOffer(offer: Oid4vciOfferEntity): Promise<void> {
    await this.offers.insert(offer);
  }

  findOffer(id: string): Promise<Oid4vciOfferEntity | null> {
    return this.offers.findOneBy({ id });
  }

  findByCode(code: string): Promise<Oid4vciOfferEntity | null> {
    return this.offers.findOneBy({ code });
  }

  findByAccessToken(accessTokenHash: string): Promise<Oid4vciOfferEntity | null> {
    return this.offers.findOneBy({ accessTokenHash });
  }

  /** The one transition offered → token; false when another request took it first. */
  async grantToken(id: string, accessTokenHash: string, dpopJkt: string, expiresAt: number): Promise<boolean> {
    const result = await this.offers.update({ id, state: 'offered' }, { state: 'token', accessTokenHash, dpopJkt, expiresAt: stamp(expiresAt) });
    return (result.affected ?? 0) === 1;
  }

  async countTxCodeAttempt(id: string, attempts: number): Promise<void> {
    await this.offers.update({ id, state: 'offered' }, { txCodeAttempts: attempts });
  }

  /** Deletes the offer; true for the one request that did (redemption is single use). */
  async deleteOffer(id: string, accessTokenHash?: string): Promise<boolean> {
    const result = await this.offers.delete(accessTokenHash ? { id, accessTokenHash } : { id });
    return (result.affected ?? 0) === 1;
  }

  /** Records a spent nonce (or proof id) until it expires; false when it is already there (a replay). */
  async addNonce(hash: string, kind: NonceKind, expiresAt: number): Promise<boolean> {
    try {
      await this.nonces.insert({ hash, kind, expiresAt: stamp(expiresAt) });
      return true;
    } catch (error) {
      const code = String((error as { code?: unknown; driverError?: { code?: unknown } }).driverError?.code ?? (error as { code?: unknown }).code ?? '');
      if (code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) return false;
      throw error;
    }
  }

  /** The sweep: expired offers (with their claim values) and nonces go. */
  async sweep(now: number): Promise<{ offers: number; nonces: number }> {
    const offers = await this.offers.delete({ expiresAt: LessThanOrEqual(stamp(now)) });
    const nonces = await this.nonces.delete({ expiresAt: LessThanOrEqual(stamp(now)) });
    return { offers: offers.affected ?? 0, nonces: nonces.affected ?? 0 };
  }
}
