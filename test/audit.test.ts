import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegion, type TestRegion } from './support/region.js';
import { tamperWithLedger } from './support/tamper.js';
import { walletCreate } from './support/wallet.js';

let region: TestRegion;
let db: DataSource;
const dids: string[] = [];
const audit = () =>
  spawnSync(process.execPath, [join(process.cwd(), 'dist/src/cli/ledger-audit.js'), '--data-dir', region.config.dataDir], {
    env: { PATH: process.env.PATH, ...(region.database.url ? { DATABASE_URL: region.database.url } : {}) },
    encoding: 'utf8',
    timeout: 30_000,
  });

beforeAll(async () => {
  region = await startRegion();
  db = region.app.get<DataSource>(getDataSourceToken());
  for (let i = 0; i < 5; i++) {
    const { did, operation } = walletCreate();
    expect((await request(region.app.getHttpServer()).post('/1.0/operations').send(operation)).status).toBe(201);
    dids.push(did);
  }
});
afterAll(async () => {
  await region?.close();
});

const tamper = (sql: string) => tamperWithLedger(db, sql);

describe('ledger:audit', () => {
  it('passes on an intact ledger', () => {
    const result = audit();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/log eu: 5 entries, .* 5 DIDs.*: ok/);
  });

  it('the database itself refuses to update or delete an entry', async () => {
    await expect(db.query(`UPDATE ledger_entry SET time = 'x' WHERE idx = 0`)).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM ledger_entry WHERE idx = 0')).rejects.toThrow(/append-only/);
  });

  it('fails, naming the entry, after an entry is altered; the DID no longer resolves as valid', async () => {
    const [row] = (await db.query(`SELECT entry FROM ledger_entry WHERE log = 'eu' AND idx = 2`)) as { entry: string }[];
    const altered = row!.entry.replace(/"service":\[\]/, '"service":[{"id":"#evil","type":"X","serviceEndpoint":"https://evil.example"}]');
    expect(altered).not.toBe(row!.entry);
    await tamper(`UPDATE ledger_entry SET entry = '${altered.replace(/'/g, "''")}' WHERE log = 'eu' AND idx = 2`);
    const result = audit();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/FAULT: log eu, entry 2: /);
    // After a restart nothing is cached: the resolver must check the stored chain itself.
    region = await region.restart();
    db = region.app.get<DataSource>(getDataSourceToken());
    const resolved = await request(region.app.getHttpServer()).get(`/1.0/identifiers/${dids[2]}`);
    expect(resolved.status).toBe(500);
    const body = JSON.parse(resolved.text);
    expect(body.didDocument).toBeNull();
    expect(JSON.stringify(body)).not.toContain('evil.example');
    await tamper(`UPDATE ledger_entry SET entry = '${row!.entry.replace(/'/g, "''")}' WHERE log = 'eu' AND idx = 2`);
    expect(audit().status).toBe(0);
  });

  it('fails, naming the checkpoint, after a checkpoint is altered', async () => {
    const [cp] = (await db.query(`SELECT size, note FROM checkpoint WHERE log = 'eu' ORDER BY size DESC LIMIT 1`)) as { size: number; note: string }[];
    const lines = cp!.note.split('\n');
    lines[2] = Buffer.alloc(32, 7).toString('base64');
    await db.query(`UPDATE checkpoint SET note = $1 WHERE log = 'eu' AND size = $2`.replace(/\$\d/g, db.options.type === 'postgres' ? (m) => m : () => '?'), [lines.join('\n'), cp!.size]);
    const result = audit();
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`FAULT: log eu, checkpoint ${cp!.size}: `));
  });
});
