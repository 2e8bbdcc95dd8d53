import { AddressKind, addressRefusal, classifyAddress } from '../../../src/domain/networkAddress';

// Written out independently of the range table: every spelling an attacker used or could use, and what it reaches.
const TABLE: [string, AddressKind | null][] = [
  // loopback, in every spelling
  ['127.0.0.1', 'loopback'],
  ['127.255.1.2', 'loopback'],
  ['2130706433', 'loopback'],
  ['0177.0.0.1', 'loopback'],
  ['0x7f.0.0.1', 'loopback'],
  ['0x7f000001', 'loopback'],
  ['127.1', 'loopback'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['[::ffff:7f00:1]', 'loopback'],
  ['::127.0.0.1', 'loopback'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::7f00:1', 'loopback'],
  ['2002:7f00:1::', 'loopback'],
  // cloud metadata
  ['169.254.169.254', 'metadata'],
  ['::ffff:169.254.169.254', 'metadata'],
  ['[::ffff:a9fe:a9fe]', 'metadata'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['fd00:ec2::254', 'metadata'],
  ['168.63.129.16', 'metadata'],
  ['100.100.100.200', 'metadata'],
  ['192.0.0.192', 'metadata'],
  // private, link-local, shared (CGNAT)
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.0.5', 'private'],
  ['::ffff:10.0.0.1', 'private'],
  ['fc00::1', 'private'],
  ['fd12:3456::1', 'private'],
  ['fec0::1', 'private'],
  ['64:ff9b:1::a00:1', 'private'],
  ['169.254.1.1', 'linkLocal'],
  ['fe80::1', 'linkLocal'],
  ['fe80::1%eth0', 'linkLocal'],
  ['febf::1', 'linkLocal'],
  ['100.64.0.1', 'sharedCgnat'],
  ['100.127.255.254', 'sharedCgnat'],
  ['64:ff9b::6440:1', 'sharedCgnat'],
  // unspecified, multicast, broadcast, reserved
  ['0.0.0.0', 'unspecified'],
  ['0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['::', 'unspecified'],
  ['[::]', 'unspecified'],
  ['::ffff:0.0.0.0', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['ff02::1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['240.0.0.1', 'reserved'],
  ['192.0.2.10', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['203.0.113.7', 'reserved'],
  ['2001:db8::1', 'reserved'],
  ['2001:0:4136:e378::1', 'reserved'],
  ['100::1', 'reserved'],
  // public
  ['93.184.216.34', 'public'],
  ['8.8.8.8', 'public'],
  ['172.32.0.1', 'public'],
  ['100.128.0.1', 'public'],
  ['::ffff:93.184.216.34', 'public'],
  ['64:ff9b::5db8:d822', 'public'],
  ['2606:4700:4700::1111', 'public'],
  ['[2a00:1450:4001:82a::200e]', 'public'],
  // not addresses: host names and garbage
  ['hooks.example.com', null],
  ['localhost', null],
  ['256.0.0.1', null],
  ['1.2.3.4.5', null],
  ['08.0.0.1', null],
  ['1:2:3:4:5:6:7:8:9', null],
  ['1::2::3', null],
  ['::ffff:999.0.0.1', null],
  ['', null],
];

describe('classifyAddress', () => {
  it.each(TABLE)('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});

describe('addressRefusal', () => {
  it('allows only public addresses outside local mode', () => {
    for (const [address, kind] of TABLE) {
      const expected = kind === null ? 'notAnAddress' : kind === 'public' ? null : kind;
      expect([address, addressRefusal(address, false)]).toEqual([address, expected]);
    }
  });

  it('adds loopback (and only loopback) in local mode', () => {
    expect(addressRefusal('127.0.0.1', true)).toBeNull();
    expect(addressRefusal('::1', true)).toBeNull();
    expect(addressRefusal('::ffff:127.0.0.1', true)).toBeNull();
    expect(addressRefusal('10.0.0.1', true)).toBe('private');
    expect(addressRefusal('169.254.169.254', true)).toBe('metadata');
  });
});
