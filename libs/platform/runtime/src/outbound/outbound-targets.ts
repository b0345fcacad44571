/**
 * Internal targets an outbound URL must never reach, each with the address it stands for
 * (null: refused by name): the examples the policy's tests and the services' API tests check.
 */
export const DENIED_OUTBOUND_TARGETS: readonly { readonly url: string; readonly address: string | null }[] = [
  // Cloud metadata, by address and by name (trailing dot and upper case too).
  { url: 'http://169.254.169.254/latest/meta-data/', address: '169.254.169.254' },
  { url: 'http://[fd00:ec2::254]/latest/meta-data/', address: 'fd00:ec2::254' },
  { url: 'http://metadata.google.internal/computeMetadata/v1/', address: null },
  { url: 'http://metadata.google.internal./computeMetadata/v1/', address: null },
  { url: 'http://METADATA.Google.Internal/', address: null },
  { url: 'http://metadata/computeMetadata/v1/', address: null },
  { url: 'http://instance-data/latest/', address: null },
  { url: 'http://100.100.100.200/latest/meta-data/', address: '100.100.100.200' },
  // Link-local.
  { url: 'http://169.254.0.1/', address: '169.254.0.1' },
  { url: 'http://[fe80::1]/', address: 'fe80::1' },
  // Private: RFC 1918 and fc00::/7.
  { url: 'http://10.0.0.1/', address: '10.0.0.1' },
  { url: 'https://10.255.255.254:8443/x', address: '10.255.255.254' },
  { url: 'http://172.16.0.1/', address: '172.16.0.1' },
  { url: 'http://172.31.255.254/', address: '172.31.255.254' },
  { url: 'http://192.168.0.1/', address: '192.168.0.1' },
  { url: 'http://192.168.255.254:8080/', address: '192.168.255.254' },
  { url: 'http://[fc00::1]/', address: 'fc00::1' },
  { url: 'http://[fd12:3456:789a::1]/', address: 'fd12:3456:789a::1' },
  // Carrier-grade NAT.
  { url: 'http://100.64.0.1/', address: '100.64.0.1' },
  { url: 'http://100.127.255.254/', address: '100.127.255.254' },
  // Loopback, in every spelling WHATWG parsing accepts.
  { url: 'http://127.0.0.1/', address: '127.0.0.1' },
  { url: 'http://127.1/', address: '127.0.0.1' },
  { url: 'http://127.255.255.254/', address: '127.255.255.254' },
  { url: 'http://0x7f000001/', address: '127.0.0.1' },
  { url: 'http://2130706433/', address: '127.0.0.1' },
  { url: 'http://0177.0.0.1/', address: '127.0.0.1' },
  { url: 'http://0x7f.0.0.1/', address: '127.0.0.1' },
  { url: 'http://[::1]/', address: '::1' },
  { url: 'http://[::ffff:127.0.0.1]/', address: '::ffff:127.0.0.1' },
  { url: 'http://[::ffff:169.254.169.254]/', address: '::ffff:169.254.169.254' },
  { url: 'http://[::ffff:10.0.0.1]/', address: '::ffff:10.0.0.1' },
  { url: 'http://localhost/', address: null },
  { url: 'http://localhost./', address: null },
  { url: 'http://api.localhost/', address: null },
  // Unspecified.
  { url: 'http://0.0.0.0/', address: '0.0.0.0' },
  { url: 'http://0/', address: '0.0.0.0' },
  { url: 'http://[::]/', address: '::' },
  // Multicast and broadcast.
  { url: 'http://224.0.0.1/', address: '224.0.0.1' },
  { url: 'http://239.255.255.250:1900/', address: '239.255.255.250' },
  { url: 'http://[ff02::1]/', address: 'ff02::1' },
  { url: 'http://255.255.255.255/', address: '255.255.255.255' },
  // IPv4 inside IPv6 translation prefixes (NAT64 to the metadata address).
  { url: 'http://[64:ff9b::a9fe:a9fe]/', address: '64:ff9b::a9fe:a9fe' },
];

/** URLs with another scheme than http(s). */
export const DENIED_OUTBOUND_SCHEMES: readonly string[] = [
  'ftp://example.com/x',
  'file:///etc/passwd',
  'gopher://example.com/',
  'ws://example.com/',
];
