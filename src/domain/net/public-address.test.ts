import { describe, expect, it } from 'vitest';
import { isPublicAddress, outboundUrlProblem } from './public-address.js';

describe('addresses a region may call for a tenant', () => {
  it('takes public unicast addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '193.0.14.129', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isPublicAddress(a), a).toBe(true);
  });

  it('refuses loopback, private, link-local, shared, documentation, multicast and reserved ranges, v4 and v6, mapped or not', () => {
    for (const a of [
      '127.0.0.1', '127.255.255.254', '0.0.0.0', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1',
      '192.0.2.1', '198.18.0.1', '224.0.0.1', '255.255.255.255', '::', '::1', 'fe80::1', 'fd00::1', 'fc00::1', 'ff02::1', '2001:db8::1',
      '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '64:ff9b::a00:1', 'not an address', '',
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });

  it('says why a webhook URL cannot be called before any lookup', () => {
    expect(outboundUrlProblem('https://rp.example/hook')).toBeNull();
    expect(outboundUrlProblem('http://127.0.0.1:8080/hook')).toMatch(/non-public IPv4/);
    expect(outboundUrlProblem('http://[::1]/hook')).toMatch(/non-public IPv6/);
    expect(outboundUrlProblem('http://169.254.169.254/latest/meta-data')).toMatch(/non-public/);
    expect(outboundUrlProblem('http://localhost:3000/')).toMatch(/this machine/);
    expect(outboundUrlProblem('https://user:secret@rp.example/')).toMatch(/credentials/);
    expect(outboundUrlProblem('ftp://rp.example/')).toMatch(/http or https/);
  });
});
