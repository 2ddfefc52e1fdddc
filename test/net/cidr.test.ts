import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addressRange,
  contains,
  inRange,
  isValidAddress,
  isValidCidr,
  netmaskOf,
  networkOf,
  overlaps,
  rangesOverlap,
  toRange,
} from '../../shared/net/cidr';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const prefixLen = fc.integer({ min: 0, max: 32 });
/** A valid IPv4 network (host bits cleared) built from any address and length. */
const net4 = fc.tuple(ipv4, prefixLen).map(([a, l]) => networkOf(`${a}/${l}`));
const ipv6 = fc
  .array(fc.nat(0xffff), { minLength: 8, maxLength: 8 })
  .map((g) => g.map((x) => x.toString(16)).join(':'));
const net6 = fc.tuple(ipv6, fc.integer({ min: 0, max: 128 })).map(([a, l]) => networkOf(`${a}/${l}`));

describe('address helpers', () => {
  it('validates addresses and prefixes strictly', () => {
    expect(isValidAddress('10.0.0.5')).toBe(true);
    expect(isValidAddress('10.1')).toBe(false);
    expect(isValidAddress('300.1.1.1')).toBe(false);
    expect(isValidAddress('2001:db8::1')).toBe(true);
    expect(isValidCidr('10.0.0.0/24')).toBe(true);
    expect(isValidCidr('10.0.0.5/24')).toBe(false);
    expect(isValidCidr('10.0.0.5/24', { hostBitsAllowed: true })).toBe(true);
    expect(isValidCidr('10.0.0.0/33')).toBe(false);
    expect(isValidCidr('2011:1234:5678::/48')).toBe(true);
    expect(netmaskOf('10.0.0.0/24')).toBe('255.255.255.0');
  });

  it('property: every network is valid and contains its own network address and broadcast', () => {
    fc.assert(
      fc.property(net4, (n) => {
        expect(isValidCidr(n)).toBe(true);
        expect(contains(n, n.split('/')[0]!)).toBe(true);
        const r = toRange(n);
        expect(r.end - r.start + 1n).toBe(2n ** BigInt(32 - r.prefixLength));
      }),
    );
  });

  it('property: overlap is symmetric, and containment implies overlap', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(net4, net4), fc.tuple(net6, net6)), ([a, b]) => {
        expect(overlaps(a, b)).toBe(overlaps(b, a));
        if (contains(a, b)) expect(overlaps(a, b)).toBe(true);
        // Two prefixes overlap exactly when one contains the other (prefixes are aligned blocks).
        expect(overlaps(a, b)).toBe(contains(a, b) || contains(b, a));
      }),
    );
  });

  it('property: range overlap agrees with prefix overlap', () => {
    fc.assert(
      fc.property(net4, net4, (a, b) => {
        const ra = toRange(a);
        const rb = toRange(b);
        expect(rangesOverlap(ra, rb)).toBe(overlaps(a, b));
      }),
    );
  });

  it('property: an address is in [start, end] exactly when start <= address <= end', () => {
    fc.assert(
      fc.property(ipv4, ipv4, ipv4, (x, y, z) => {
        const [s, e] = toRange(x).start <= toRange(y).start ? [x, y] : [y, x];
        const v = toRange(z).start;
        expect(inRange(z, s, e)).toBe(v >= toRange(s).start && v <= toRange(e).start);
        expect(rangesOverlap(addressRange(s, e), toRange(`${z}/32`))).toBe(inRange(z, s, e));
      }),
    );
  });

  it('never mixes address families', () => {
    expect(overlaps('0.0.0.0/0', '::/0')).toBe(false);
    expect(contains('::/0', '10.0.0.1')).toBe(false);
  });
});

describe('networkOf', () => {
  it('clears host bits and keeps the prefix length, even for single addresses', () => {
    expect(networkOf('10.0.0.5/24')).toBe('10.0.0.0/24');
    expect(networkOf('10.0.0.5/32')).toBe('10.0.0.5/32');
    expect(networkOf('2001:db8::5/64')).toBe('2001:db8::/64');
    expect(toRange('10.0.0.5').cidr).toBe('10.0.0.5/32');
  });
});
