/**
 * Where Doorman may send a webhook: the classification of one IP address, pure and table-tested.
 *
 * Every alternative spelling of an address is brought back to the address it reaches before it is judged:
 * IPv4 in decimal, octal or hex parts (`2130706433`, `0177.1`, `0x7f.0.0.1`), IPv4-mapped and -compatible IPv6
 * (`::ffff:127.0.0.1`), NAT64 (`64:ff9b::a9fe:a9fe` reaches 169.254.169.254 through the translator) and 6to4.
 */

/** What kind of destination an address is; only `public` is a webhook target outside local mode. */
export type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'linkLocal'
  | 'sharedCgnat'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

/** An IPv4 range as [first octets, prefix length, kind]; the first match wins, so narrower ranges come first. */
const IPV4_RANGES: readonly [number, number, AddressKind][] = [
  [ipv4Number([169, 254, 169, 254]), 32, 'metadata'], // AWS, Azure IMDS, GCP, OpenStack
  [ipv4Number([168, 63, 129, 16]), 32, 'metadata'], // Azure WireServer: public-looking, answers only inside Azure
  [ipv4Number([192, 0, 0, 192]), 32, 'metadata'], // Oracle Cloud
  [ipv4Number([100, 100, 100, 200]), 32, 'metadata'], // Alibaba Cloud
  [ipv4Number([255, 255, 255, 255]), 32, 'broadcast'],
  [ipv4Number([0, 0, 0, 0]), 8, 'unspecified'],
  [ipv4Number([10, 0, 0, 0]), 8, 'private'],
  [ipv4Number([100, 64, 0, 0]), 10, 'sharedCgnat'],
  [ipv4Number([127, 0, 0, 0]), 8, 'loopback'],
  [ipv4Number([169, 254, 0, 0]), 16, 'linkLocal'],
  [ipv4Number([172, 16, 0, 0]), 12, 'private'],
  [ipv4Number([192, 0, 0, 0]), 24, 'reserved'],
  [ipv4Number([192, 0, 2, 0]), 24, 'reserved'],
  [ipv4Number([192, 88, 99, 0]), 24, 'reserved'],
  [ipv4Number([192, 168, 0, 0]), 16, 'private'],
  [ipv4Number([198, 18, 0, 0]), 15, 'reserved'],
  [ipv4Number([198, 51, 100, 0]), 24, 'reserved'],
  [ipv4Number([203, 0, 113, 0]), 24, 'reserved'],
  [ipv4Number([224, 0, 0, 0]), 4, 'multicast'],
  [ipv4Number([240, 0, 0, 0]), 4, 'reserved'],
];

/**
 * Classifies an IP address (IPv4 in any inet_aton spelling, IPv6 with or without brackets and zone), or returns
 * null when `text` is not an IP address at all (a host name).
 */
export function classifyAddress(text: string): AddressKind | null {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  const v4 = parseIPv4(bare);
  if (v4 !== null) return classifyIPv4(v4);
  const v6 = parseIPv6(bare);
  return v6 === null ? null : classifyIPv6(v6);
}

/** Why an address is no webhook target (`null`: it may be one). Local mode adds loopback, nothing else. */
export function addressRefusal(text: string, localMode: boolean): AddressKind | 'notAnAddress' | null {
  const kind = classifyAddress(text);
  if (kind === null) return 'notAnAddress';
  if (kind === 'public' || (localMode && kind === 'loopback')) return null;
  return kind;
}

function classifyIPv4(address: number): AddressKind {
  for (const [first, prefix, kind] of IPV4_RANGES) {
    const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
    if (((address & mask) >>> 0) === first) return kind;
  }
  return 'public';
}

function classifyIPv6(groups: number[]): AddressKind {
  const startsWith = (...prefix: number[]) => prefix.every((group, index) => groups[index] === group);
  const embeddedV4 = (from: number) => ((groups[from] << 16) | groups[from + 1]) >>> 0;
  if (groups.every((group) => group === 0)) return 'unspecified';
  if (startsWith(0, 0, 0, 0, 0, 0, 0) && groups[7] === 1) return 'loopback';
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64) all reach the IPv4 address.
  if (startsWith(0, 0, 0, 0, 0) && (groups[5] === 0xffff || groups[5] === 0)) return classifyIPv4(embeddedV4(6));
  if (startsWith(0x64, 0xff9b, 0, 0, 0, 0)) return classifyIPv4(embeddedV4(6));
  if (startsWith(0x64, 0xff9b, 1)) return 'private'; // local-use NAT64 (RFC 8215): whatever the operator maps
  if (startsWith(0x2002)) return classifyIPv4(embeddedV4(1)); // 6to4
  if (startsWith(0xfd00, 0x0ec2, 0, 0, 0, 0, 0) && groups[7] === 0x254) return 'metadata'; // AWS IMDS over IPv6
  if (startsWith(0x2001, 0) || startsWith(0x2001, 0xdb8) || startsWith(0x100, 0, 0, 0)) return 'reserved'; // Teredo, docs, discard
  if ((groups[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((groups[0] & 0xffc0) === 0xfe80) return 'linkLocal';
  if ((groups[0] & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((groups[0] & 0xff00) === 0xff00) return 'multicast';
  if (groups[0] < 0x2000 || groups[0] > 0x3fff) return 'reserved'; // outside global unicast 2000::/3
  return 'public';
}

/** inet_aton: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x); the last part fills the remaining bytes. */
function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length > 4 || parts.some((part) => !/^(0x[0-9a-f]*|[0-9]+)$/i.test(part))) return null;
  const values = parts.map((part) => {
    if (/^0x/i.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    if (/^0[0-9]/.test(part)) return /^[0-7]+$/.test(part) ? parseInt(part, 8) : Number.NaN;
    return parseInt(part, 10);
  });
  if (values.some((value) => !Number.isFinite(value))) return null;
  const last = values[values.length - 1];
  const leading = values.slice(0, -1);
  if (leading.some((value) => value > 255) || last >= 2 ** (8 * (5 - values.length))) return null;
  return leading.reduce((sum, value, index) => sum + value * 2 ** (8 * (3 - index)), 0) + last;
}

/** Eight 16-bit groups, or null; accepts `::`, a trailing dotted IPv4 and a `%zone`. */
function parseIPv6(text: string): number[] | null {
  let rest = text.replace(/%[^%]*$/, '').toLowerCase();
  if (!/^[0-9a-f:.]+$/.test(rest) || !rest.includes(':')) return null;
  const tail: number[] = [];
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(rest);
  if (dotted) {
    if (!/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(dotted[1])) return null;
    const v4 = parseIPv4(dotted[1]) as number;
    tail.push(v4 >>> 16, v4 & 0xffff);
    rest = rest.slice(0, dotted.index);
    if (rest.endsWith(':')) rest = `${rest}:`; // `::1.2.3.4`: the `::` was split by taking the IPv4 part off
  }
  const halves = rest.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]);
  const after = halves.length === 2 ? groupsOf(halves[1]) : [];
  if ([...head, ...after].some((group) => !/^[0-9a-f]{1,4}$/.test(group))) return null;
  const given = head.length + after.length + tail.length;
  if (halves.length === 1 && given !== 8) return null;
  if (halves.length === 2 && given > 7) return null;
  const zeros = new Array<number>(8 - given).fill(0);
  return [...head.map((group) => parseInt(group, 16)), ...(halves.length === 2 ? zeros : []), ...after.map((group) => parseInt(group, 16)), ...tail];
}

function ipv4Number(octets: [number, number, number, number]): number {
  return (((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3]) >>> 0;
}
