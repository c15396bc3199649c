import { describe, expect, it } from 'vitest';
import { envelope, unwrap } from './envelope.js';

describe('unwrap (VC-JOSE-COSE enveloped credentials)', () => {
  it('reads the token and format of an envelope this service makes', () => {
    expect(unwrap(envelope('vc+sd-jwt', 'a.b.c~'))).toEqual({ token: 'a.b.c~', format: 'vc+sd-jwt' });
  });

  it('refuses an envelope without the VCDM 2.0 context first', () => {
    const { '@context': _context, ...bare } = envelope('vc+jwt', 'a.b.c');
    expect(() => unwrap(bare)).toThrow(/@context/);
    expect(() => unwrap({ ...bare, '@context': ['https://www.w3.org/2018/credentials/v1'] })).toThrow(/@context/);
  });

  it('refuses another type and a media type that is not a credential format', () => {
    expect(() => unwrap({ ...envelope('vc+jwt', 'a.b.c'), type: 'VerifiableCredential' })).toThrow(/type "VerifiableCredential"/);
    expect(() => unwrap({ ...envelope('vc+jwt', 'a.b.c'), id: 'data:application/json,a.b.c' })).toThrow(/unsupported credential media type application\/json/);
  });
});
