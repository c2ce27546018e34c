import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  HooklineTransportError,
  HooklineValidationError,
  type ValidationIssue,
} from '../errors.js';

/** The range name `addressRange` gives an address a webhook may reach without being allowed. */
export const publicRange = 'unicast';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** IPv6's global unicast block (RFC 4291): anything outside it is not a public destination. */
const globalUnicast = ipaddr.IPv6.parseCIDR('2000::/3');
/** The well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 address reached. */
const nat64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** 6to4 (RFC 3056): bits 16 to 48 are the IPv4 address of the tunnel's end. */
const sixToFour = ipaddr.IPv6.parseCIDR('2002::/16');

function embeddedIPv4(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function ipv6Range(address: ipaddr.IPv6): string {
  const range = address.range();
  // Spellings of an IPv4 address are judged as that address, so ::ffff:127.0.0.1 is loopback.
  const parts = address.parts;
  if (range === 'ipv4Mapped' || range === 'rfc6145') {
    return embeddedIPv4(parts[6] ?? 0, parts[7] ?? 0).range();
  }
  if (address.match(nat64)) return embeddedIPv4(parts[6] ?? 0, parts[7] ?? 0).range();
  if (address.match(sixToFour)) return embeddedIPv4(parts[1] ?? 0, parts[2] ?? 0).range();
  if (range !== publicRange) return range;
  // ipaddr.js calls IPv4-compatible (::7f00:1) and other unassigned space "unicast".
  return address.match(globalUnicast) ? range : 'reserved';
}

/**
 * The special-purpose range an IP address belongs to, as ipaddr.js names them (`loopback`,
 * `private`, `linkLocal`, `uniqueLocal`, `multicast`, `unspecified`, `reserved`,
 * `carrierGradeNat`, ...), or `'unicast'` for a public address. IPv6 forms that embed an IPv4
 * address (IPv4-mapped, NAT64, 6to4) are judged by that address.
 */
export function addressRange(address: string): string {
  const parsed: Address = ipaddr.parse(address);
  return parsed.kind() === 'ipv4'
    ? (parsed as ipaddr.IPv4).range()
    : ipv6Range(parsed as ipaddr.IPv6);
}

function describeRange(range: string): string {
  const words = range.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words === 'link local' || words === 'unique local' ? words.replace(' ', '-') : words;
}

/** Where the guard lets a webhook connect besides public addresses. */
export interface AddressGuardOptions {
  /** Lets webhooks reach any address: loopback, private networks, link-local. Default: false. */
  allowPrivateNetworks?: boolean;
  /**
   * Host names (`hooks.internal`, matched exactly, case-insensitively) and addresses or CIDR ranges
   * (`10.1.2.3`, `10.0.0.0/8`, `fd00::/8`) that may be reached although private. Default: [].
   */
  allowedHosts?: readonly string[];
}

interface ParsedAllowList {
  names: ReadonlySet<string>;
  ranges: readonly [Address, number][];
}

function parseAllowedHosts(entries: readonly string[]): ParsedAllowList {
  const names = new Set<string>();
  const ranges: [Address, number][] = [];
  const issues: ValidationIssue[] = [];
  entries.forEach((entry, index) => {
    const path = `allowedHosts[${index}]`;
    if (typeof entry !== 'string' || entry.trim() === '') {
      issues.push({ path, message: 'must be a host name, an IP address or a CIDR range' });
      return;
    }
    const text = entry.trim();
    if (/[\s?#@\\]/.test(text)) {
      issues.push({ path, message: `"${text}" is not a host name, an IP address or a CIDR range` });
      return;
    }
    if (text.includes('/')) {
      const [address = '', bits = ''] = text.split('/');
      if (net.isIP(address) && /^\d+$/.test(bits) && ipaddr.isValidCIDR(text)) {
        ranges.push(ipaddr.parseCIDR(text));
      } else {
        issues.push({ path, message: `"${text}" is not a CIDR range such as 10.0.0.0/8` });
      }
      return;
    }
    const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
    if (net.isIP(bare)) {
      const address = ipaddr.parse(bare);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      return;
    }
    let hostname: string;
    try {
      // The same normalisation request URLs get: lower case, punycode, numeric IPv4 forms resolved.
      hostname = new URL(`http://${text}/`).hostname;
    } catch {
      issues.push({ path, message: `"${text}" is not a host name, an IP address or a CIDR range` });
      return;
    }
    if (net.isIP(hostname)) {
      ranges.push([ipaddr.parse(hostname), 32]);
    } else if (/[:/]/.test(text)) {
      issues.push({ path, message: `"${text}" must be a host name without a port or path` });
    } else {
      names.add(hostname.replace(/\.$/, ''));
    }
  });
  if (issues.length > 0) throw new HooklineValidationError('transport options', issues);
  return { names, ranges };
}

function inRange(address: Address, [network, bits]: [Address, number]): boolean {
  if (address.kind() !== network.kind()) return false;
  return address.match(network, bits);
}

/** The address ranges a webhook may not reach (SSRF protection), checked where sockets connect. */
export class AddressGuard {
  readonly #allowAll: boolean;
  readonly #allowed: ParsedAllowList;

  constructor(options: AddressGuardOptions = {}) {
    this.#allowAll = options.allowPrivateNetworks ?? false;
    this.#allowed = parseAllowedHosts(options.allowedHosts ?? []);
  }

  /** `false` when every address is allowed, so there is nothing to check. */
  get active(): boolean {
    return !this.#allowAll;
  }

  /** Whether `hostname` was allowed by name, which exempts every address it resolves to. */
  allowsHostName(hostname: string): boolean {
    return this.#allowAll || this.#allowed.names.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  /** What kind of non-public address `address` is (`loopback`, ...), or `null` when it is allowed. */
  blockedRange(address: string): string | null {
    if (this.#allowAll) return null;
    if (!net.isIP(address)) return 'unparseable';
    const range = addressRange(address);
    if (range === publicRange) return null;
    const parsed = ipaddr.parse(address);
    const candidates: Address[] = [parsed];
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      candidates.push((parsed as ipaddr.IPv6).toIPv4Address());
    }
    const allowed = this.#allowed.ranges.some((entry) =>
      candidates.some((candidate) => inRange(candidate, entry)),
    );
    return allowed ? null : describeRange(range);
  }

  /** Throws `BLOCKED_ADDRESS` when `hostname`, connected to at `address`, may not be reached. */
  check(hostname: string, address: string): void {
    if (this.allowsHostName(hostname)) return;
    const range = this.blockedRange(address);
    if (range !== null) throw blockedError(hostname, address, range);
  }

  /**
   * A drop-in for `dns.lookup` that answers only with allowed addresses, for `net.connect`'s
   * `lookup` option. The address checked is the address connected to, so a DNS answer that changes
   * between a check and the connection (DNS rebinding) cannot slip through.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, options, (error, address, family) => {
      if (error || this.allowsHostName(hostname)) {
        callback(error, address, family);
        return;
      }
      const answers = Array.isArray(address) ? address : [{ address, family: family ?? 0 }];
      const allowed = answers.filter((answer) => this.blockedRange(answer.address) === null);
      const first = allowed[0];
      if (first === undefined) {
        const refused = answers[0]?.address ?? '';
        callback(blockedError(hostname, refused, this.blockedRange(refused) ?? 'unknown'), []);
      } else if (Array.isArray(address)) {
        callback(null, allowed);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

function blockedError(hostname: string, address: string, range: string): HooklineTransportError {
  const article = /^[aeiou]/.test(range) ? 'an' : 'a';
  const what =
    hostname === address
      ? `${address} is ${article} ${range} address`
      : `${hostname} resolves to ${address}, ${article} ${range} address`;
  return new HooklineTransportError(
    'BLOCKED_ADDRESS',
    `refused to connect: ${what}; allow it with the transport's allowPrivateNetworks or allowedHosts`,
  );
}
