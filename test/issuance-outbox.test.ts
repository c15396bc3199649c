import { createHash, randomUUID } from 'node:crypto';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CredentialRecordEntity } from '../src/modules/credentials/credential-record.entity.js';
import { IssuanceAnchors } from '../src/modules/credentials/issuance-anchors.js';
import { startRegion, type TestRegion } from './support/region.js';

// Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
let region: TestRegion;
let db: DataSource;
let anchors: IssuanceAnchors;
beforeAll(async () => {
  region = await startRegion();
  db = region.app.get<DataSource>(getDataSourceToken());
  anchors = region.app.get(IssuanceAnchors);
});
afterAll(async () => {
  await region?.close();
});

const digestOf = (text: string) => createHash('sha256').update(text).digest('base64url');
const record = (id: string): CredentialRecordEntity => ({
  id,
  tenantId: randomUUID(),
  issuerDid: 'did:isthmus:test',
  types: '["VerifiableCredential"]',
  format: 'vc+jwt',
  tokenHash: 'a'.repeat(64),
  statusEntries: '[]',
  createdAt: new Date().toISOString(),
  offerId: null,
});
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
const count = async (sql: string) => Number(((await db.query(sql)) as { n: string | number }[])[0]!.n);

describe('the issuance outbox: records and anchor digests of one event-loop turn in one transaction', () => {
  it('a record that cannot be stored fails its own issuance only, and takes its digest with it', async () => {
    const ids = [`urn:uuid:${randomUUID()}`, `urn:uuid:${randomUUID()}`];
    const digests = [digestOf(ids[0]!), digestOf(`${ids[0]}-again`), digestOf(ids[1]!), digestOf(`${ids[1]}-no-record`)];
    // The same turn: one batch, whose second record repeats the first's id.
    const results = await Promise.allSettled([
      anchors.anchor(digests[0]!, record(ids[0]!)),
      anchors.anchor(digests[1]!, record(ids[0]!)),
      anchors.anchor(digests[2]!, record(ids[1]!)),
      anchors.anchor(digests[3]!),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await count(`SELECT COUNT(*) AS n FROM credential_record WHERE id IN (${list(ids)})`)).toBe(2);
    await anchors.settle();
    expect(await count(`SELECT COUNT(*) AS n FROM credential_anchor WHERE digest IN (${list([digests[0]!, digests[2]!, digests[3]!])})`)).toBe(3);
    expect(await count(`SELECT COUNT(*) AS n FROM credential_anchor WHERE digest = '${digests[1]}'`)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM credential_anchor_pending WHERE digest = '${digests[1]}'`)).toBe(0);
  });

  it('batches of any size, past one statement of rows, are stored whole', async () => {
    const ids = Array.from({ length: 150 }, () => `urn:uuid:${randomUUID()}`);
    await Promise.all(ids.map((id, i) => anchors.anchor(digestOf(id), i % 3 === 0 ? undefined : record(id))));
    expect(await count(`SELECT COUNT(*) AS n FROM credential_record WHERE id IN (${list(ids)})`)).toBe(100);
    await anchors.settle();
    expect(await count(`SELECT COUNT(*) AS n FROM credential_anchor WHERE digest IN (${list(ids.map(digestOf))})`)).toBe(150);
  });
});
