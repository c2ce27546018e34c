import { describe, expect, it } from 'vitest';
import { HooklineTransportError, HooklineValidationError } from '../src/errors.js';
import { AddressGuard, addressRange } from '../src/transport/address-guard.js';
import { errorFrom } from './support/error-from.js';

describe('addressRange', () => {
  it.each([
    ['8.8.8.8', 'unicast'],
    ['93.184.215.14', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (address, range) => {
    expect(addressRange(address)).toBe(range);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'linkLocal'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['::ffff:8.8.8.8', 'unicast'],
    ['64:ff9b::808:808', 'unicast'],
  ])('judges %s by the IPv4 address it embeds (%s)', (address, range) => {
    expect(addressRange(address)).toBe(range);
  });

  it('refuses IPv6 outside the global unicast block, such as IPv4-compatible ::7f00:1', () => {
    expect(addressRange('::7f00:1')).toBe('reserved');
    expect(addressRange('::808:808')).toBe('reserved');
    expect(addressRange('fec0::1')).not.toBe('unicast');
    expect(addressRange('2001::1')).toBe('teredo');
  });
});

describe('AddressGuard', () => {
  it('refuses every non-public address by default, with BLOCKED_ADDRESS', async () => {
    const guard = new AddressGuard();
    expect(guard.active).toBe(true);
    for (const address of ['127.0.0.1', '10.0.0.1', '169.254.169.254', '::1', 'fd12::1', '::']) {
      expect(guard.blockedRange(address)).not.toBeNull();
    }
    expect(guard.blockedRange('8.8.8.8')).toBeNull();
    expect(() => guard.check('127.0.0.1', '127.0.0.1')).toThrow(HooklineTransportError);
    const error = await errorFrom(
      () => guard.check('metadata.internal', '169.254.169.254'),
      HooklineTransportError,
    );
    expect(error.code).toBe('BLOCKED_ADDRESS');
    expect(error.message).toContain(
      'metadata.internal resolves to 169.254.169.254, a link-local address',
    );
  });

  it('allows everything with allowPrivateNetworks', () => {
    const guard = new AddressGuard({ allowPrivateNetworks: true });
    expect(guard.active).toBe(false);
    expect(guard.blockedRange('127.0.0.1')).toBeNull();
    expect(() => guard.check('localhost', '::1')).not.toThrow();
  });

  it('allows listed CIDR ranges and addresses, IPv4-mapped spellings included', () => {
    const guard = new AddressGuard({ allowedHosts: ['10.0.0.0/8', '192.168.1.5', 'fd00::/8'] });
    expect(guard.blockedRange('10.20.30.40')).toBeNull();
    expect(guard.blockedRange('::ffff:10.20.30.40')).toBeNull();
    expect(guard.blockedRange('192.168.1.5')).toBeNull();
    expect(guard.blockedRange('192.168.1.6')).toBe('private');
    expect(guard.blockedRange('fd00::5')).toBeNull();
    expect(guard.blockedRange('127.0.0.1')).toBe('loopback');
  });

  it('allows listed host names whatever they resolve to, matched case-insensitively', () => {
    const guard = new AddressGuard({ allowedHosts: ['Hooks.Internal', 'localhost.'] });
    expect(guard.allowsHostName('hooks.internal')).toBe(true);
    expect(guard.allowsHostName('localhost')).toBe(true);
    expect(guard.allowsHostName('evil.internal')).toBe(false);
    expect(() => guard.check('hooks.internal', '10.0.0.7')).not.toThrow();
    expect(() => guard.check('other.internal', '10.0.0.7')).toThrow(/private address/);
  });

  it('reads numeric host spellings in allowedHosts as the URL parser does', () => {
    const guard = new AddressGuard({ allowedHosts: ['2130706433'] });
    expect(guard.blockedRange('127.0.0.1')).toBeNull();
  });

  it('refuses malformed allowedHosts entries, naming them', async () => {
    const error = await errorFrom(
      () => new AddressGuard({ allowedHosts: ['10.0.0.0/99', 'host:80', ''] }),
      HooklineValidationError,
    );
    expect(error.issues.map((issue) => issue.path)).toEqual([
      'allowedHosts[0]',
      'allowedHosts[1]',
      'allowedHosts[2]',
    ]);
  });

  it('answers lookups with allowed addresses only', async () => {
    const lookup = (guard: AddressGuard, all: boolean) =>
      new Promise<{ error: unknown; address: unknown }>((resolve) =>
        guard.lookup('localhost', { all, family: 4 }, (error, address) =>
          resolve({ error, address }),
        ),
      );
    const blocked = await lookup(new AddressGuard(), true);
    expect((blocked.error as HooklineTransportError).code).toBe('BLOCKED_ADDRESS');
    const single = await lookup(new AddressGuard(), false);
    expect((single.error as HooklineTransportError).code).toBe('BLOCKED_ADDRESS');
    const allowed = await lookup(new AddressGuard({ allowedHosts: ['127.0.0.0/8'] }), true);
    expect(allowed.error).toBeNull();
    expect(allowed.address).toEqual([{ address: '127.0.0.1', family: 4 }]);
  });
});
