import { isIP } from 'node:net';
import * as ipaddr from 'ipaddr.js';

/**
 * Names of cloud metadata services (GCP, AWS, Azure, OpenStack, Alibaba, Oracle, DigitalOcean ...).
 * Most of them live on a link-local or CGNAT address the address check refuses anyway; the
 * names are refused too, so a split-horizon resolver cannot hand out another address for them.
 */
const METADATA_HOSTS: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'metadata.azure.internal',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
  'metadata.packet.net',
]);

/** ipaddr.js range names in our words. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'loopback',
  linkLocal: 'link-local',
  private: 'private',
  uniqueLocal: 'private',
  carrierGradeNat: 'carrier-grade NAT',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

type Network = readonly [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * An address or CIDR range as the allow-list takes it: `127.0.0.1/32`, `::1`, `10.0.0.0/8`.
 * IPv4 is written as IPv4: a mapped address (::ffff:10.0.0.1) is judged as the IPv4 it maps.
 */
function parseAddressRange(range: string): Network {
  const text = range.trim();
  if (text.includes('/')) {
    const [address, bits] = ipaddr.parseCIDR(text);
    return [address, bits] as const;
  }
  const address = ipaddr.parse(text);
  return [address, address.kind() === 'ipv4' ? 32 : 128] as const;
}

/** A host as a URL names it, without IPv6 brackets or a trailing dot, lower case. */
export function hostOf(url: URL): string {
  return url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.+$/, '')
    .toLowerCase();
}

/**
 * Where outbound HTTP may go: public unicast addresses over http or https. Loopback,
 * link-local, private (RFC 1918, fc00::/7), carrier-grade NAT, unspecified, multicast,
 * broadcast, reserved and every other special-purpose range are refused, as are cloud metadata
 * names, unless an address falls in an allowed range (development and tests allow loopback).
 */
export class OutboundPolicy {
  private readonly allowed: readonly Network[];

  /** `allow`: addresses or CIDR ranges that may be reached although special (e.g. 127.0.0.1/32). */
  constructor(allow: readonly string[] = []) {
    this.allowed = allow.map(parseAddressRange);
  }

  /** Why a resolved address may not be connected to, in our words; null when it may. */
  addressProblem(address: string): string | null {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      // process(): ::ffff:127.0.0.1 is judged as 127.0.0.1.
      ip = ipaddr.process(address);
    } catch {
      return `address ${address} is not an IP address`;
    }
    if (this.allowed.some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits)))
      return null;
    const range = ip.range();
    if (range === 'unicast') return null;
    return `address ${ip.toString()} is not allowed (${RANGE_WORDS[range] ?? 'special-purpose'})`;
  }

  /**
   * Why a URL may not be called, judged without DNS: its scheme, a literal address, a metadata
   * or localhost name. A name that passes is checked again, address by address, when connecting.
   */
  urlProblem(value: string): string | null {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'is not an absolute URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return `scheme ${url.protocol.slice(0, -1)} is not allowed (only http and https)`;
    // WHATWG parsing already turned 0x7f000001, 2130706433 and 0177.0.0.1 into 127.0.0.1.
    const host = hostOf(url);
    if (!host) return 'has no host';
    if (isIP(host)) return this.addressProblem(host);
    if (METADATA_HOSTS.has(host)) return `host ${host} is a cloud metadata service and is not allowed`;
    if (host === 'localhost' || host.endsWith('.localhost')) {
      const problem = this.addressProblem('127.0.0.1') ?? this.addressProblem('::1');
      return problem ? `host ${host} is loopback and is not allowed` : null;
    }
    return null;
  }
}
