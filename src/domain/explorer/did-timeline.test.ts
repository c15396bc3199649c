import { describe, expect, it } from 'vitest';
import { didTimeline } from './did-timeline.js';

const key = (id: string, x: string) => ({ id, type: 'JsonWebKey' as const, publicKeyJwk: { kty: 'OKP', crv: 'Ed25519', x } });
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 0, 0, s));

describe('didTimeline', () => {
  it('lists per operation the keys and services added and removed, and rotation key changes', () => {
    const steps = didTimeline([
      { type: 'create', log: 'eu', index: 3, time: at(0), rotationKeys: ['did:key:a'], document: { verificationMethod: [key('#key-1', 'A')] } },
      { type: 'update', log: 'eu', index: 5, time: at(1), rotationKeys: ['did:key:a'], document: { verificationMethod: [key('#key-1', 'A'), key('#key-2', 'B')], service: [{ id: '#site', type: 'LinkedDomains', serviceEndpoint: 'https://x.example' }] } },
      { type: 'update', log: 'eu', index: 6, time: at(2), rotationKeys: ['did:key:b'], document: { verificationMethod: [key('#key-2', 'C')] } },
      { type: 'deactivate', log: 'eu', index: 9, time: at(3), rotationKeys: ['did:key:b'] },
    ]);
    expect(steps.map((s) => [s.version, s.type, s.log, s.index])).toEqual([
      [1, 'create', 'eu', 3],
      [2, 'update', 'eu', 5],
      [3, 'update', 'eu', 6],
      [4, 'deactivate', 'eu', 9],
    ]);
    expect(steps[0]).toMatchObject({ keysAdded: ['#key-1 JsonWebKey Ed25519'], keysRemoved: [], rotationKeysChanged: false, time: '2026-12-01T00:00:00.000Z' });
    expect(steps[1]).toMatchObject({ keysAdded: ['#key-2 JsonWebKey Ed25519'], keysRemoved: [], servicesAdded: ['#site'] });
    // The same id with other key material: removed and added.
    expect(steps[2]).toMatchObject({ keysAdded: ['#key-2 JsonWebKey Ed25519'], keysRemoved: ['#key-1 JsonWebKey Ed25519', '#key-2 JsonWebKey Ed25519'], servicesRemoved: ['#site'], rotationKeysChanged: true });
    expect(steps[3]).toMatchObject({ keysAdded: [], keysRemoved: ['#key-2 JsonWebKey Ed25519'] });
  });
});
