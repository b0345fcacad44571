import type { LookupAddress } from 'node:dns';
import { OutboundHttpClient, OutboundRequestError, OutboundResolver } from './outbound-http.client';
import { OutboundPolicy } from './outbound-policy';
import { DENIED_OUTBOUND_SCHEMES, DENIED_OUTBOUND_TARGETS } from './outbound-targets';

const PUBLIC_URLS = [
  'https://hooks.example.com/tsuzuku',
  'http://93.184.216.34/hook',
  'https://[2606:4700:4700::1111]/hook',
  // Just outside the denied ranges.
  'http://172.32.0.1/',
  'http://100.128.0.1/',
  'http://11.0.0.1/',
  'http://169.255.0.1/',
  'http://metadata.example.com/',
];

/** A resolver that answers from a table and records what it was asked. */
function tableResolver(table: Record<string, readonly string[]>): OutboundResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    asked.push(hostname);
    return (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

async function refusal(promise: Promise<unknown>): Promise<OutboundRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OutboundRequestError);
  return error as OutboundRequestError;
}

describe('outbound policy at creation (no DNS)', () => {
  const policy = new OutboundPolicy();

  it.each(DENIED_OUTBOUND_TARGETS)('refuses $url', ({ url, address }) => {
    const problem = policy.urlProblem(url);
    expect(problem).toMatch(/not allowed/);
    if (address) expect(problem).toContain(`address `);
  });

  it.each(DENIED_OUTBOUND_SCHEMES)('refuses the scheme of %s', (url) => {
    expect(policy.urlProblem(url)).toMatch(/^scheme \w+ is not allowed/);
  });

  it.each(PUBLIC_URLS)('lets %s through', (url) => {
    expect(policy.urlProblem(url)).toBeNull();
  });

  it('names the address as parsed and its range', () => {
    expect(policy.urlProblem('http://0x7f000001/')).toBe('address 127.0.0.1 is not allowed (loopback)');
    expect(policy.urlProblem('http://[::ffff:169.254.169.254]/')).toBe(
      'address 169.254.169.254 is not allowed (link-local)',
    );
    expect(policy.urlProblem('http://100.64.0.1/')).toBe(
      'address 100.64.0.1 is not allowed (carrier-grade NAT)',
    );
    expect(policy.urlProblem('http://metadata.google.internal./')).toBe(
      'host metadata.google.internal is a cloud metadata service and is not allowed',
    );
    expect(policy.urlProblem('not a url')).toBe('is not an absolute URL');
  });

  it('lets the allow-list open loopback for development, and nothing more', () => {
    const dev = new OutboundPolicy(['127.0.0.1/32', '::1']);
    expect(dev.urlProblem('http://127.0.0.1:3000/hook')).toBeNull();
    expect(dev.urlProblem('http://[::ffff:127.0.0.1]/')).toBeNull();
    expect(dev.urlProblem('http://[::1]:3000/')).toBeNull();
    expect(dev.urlProblem('http://localhost:3000/')).toBeNull();
    expect(dev.urlProblem('http://127.0.0.2/')).toMatch(/not allowed/);
    expect(dev.urlProblem('http://10.0.0.1/')).toMatch(/not allowed/);
    expect(dev.urlProblem('http://metadata.google.internal/')).toMatch(/not allowed/);
    expect(new OutboundPolicy(['10.1.0.0/16']).addressProblem('10.1.2.3')).toBeNull();
    expect(new OutboundPolicy(['10.1.0.0/16']).addressProblem('10.2.0.1')).toMatch(/private/);
  });
});

describe('outbound client at send time', () => {
  it.each(DENIED_OUTBOUND_TARGETS)('refuses $url before connecting', async ({ url }) => {
    const resolver = tableResolver({});
    const client = new OutboundHttpClient({ resolve: resolver });
    const error = await refusal(client.post(url, '{}', { timeoutMs: 2000 }));
    expect(error.failure).toBe('refused');
    expect(error.message).toMatch(/not allowed/);
    expect(resolver.asked).toEqual([]);
  });

  it.each(DENIED_OUTBOUND_SCHEMES)('refuses %s', async (url) => {
    const error = await refusal(new OutboundHttpClient().post(url, '{}', { timeoutMs: 2000 }));
    expect(error).toMatchObject({ failure: 'refused', status: null });
  });

  const deniedAddresses = [
    ...new Set(DENIED_OUTBOUND_TARGETS.flatMap((t) => (t.address ? [t.address] : []))),
  ];

  it.each(deniedAddresses)('refuses a host name that resolves to %s', async (address) => {
    const resolver = tableResolver({ 'rebound.example.com': [address] });
    const client = new OutboundHttpClient({ resolve: resolver });
    const error = await refusal(client.post('https://rebound.example.com/hook', '{}', { timeoutMs: 2000 }));
    expect(error.failure).toBe('refused');
    expect(error.message).toMatch(/^host rebound\.example\.com: address \S+ is not allowed/);
    expect(resolver.asked).toEqual(['rebound.example.com']);
  });

  it('refuses a name when any of its addresses is denied, whatever the order', async () => {
    for (const answer of [
      ['93.184.216.34', '10.0.0.7'],
      ['10.0.0.7', '93.184.216.34'],
      ['2606:4700:4700::1111', '::ffff:192.168.1.1'],
    ]) {
      const client = new OutboundHttpClient({ resolve: tableResolver({ 'mixed.example.com': answer }) });
      const error = await refusal(client.post('http://mixed.example.com/', '{}', { timeoutMs: 2000 }));
      expect(error.failure).toBe('refused');
    }
  });

  it('says so when a name does not resolve', async () => {
    const client = new OutboundHttpClient({ resolve: tableResolver({}) });
    const error = await refusal(client.post('http://nowhere.example.com/', '{}', { timeoutMs: 2000 }));
    expect(error).toMatchObject({ failure: 'network', message: 'host nowhere.example.com did not resolve' });
  });
});

describe('outbound addresses for other protocols (SMTP)', () => {
  const denied = [...new Set(DENIED_OUTBOUND_TARGETS.flatMap((t) => (t.address ? [t.address] : [])))];

  it.each(denied)('refuses the literal host %s without DNS', async (address) => {
    const resolver = tableResolver({});
    const client = new OutboundHttpClient({ resolve: resolver });
    expect(client.hostProblem(address)).toMatch(/not allowed/);
    const error = await refusal(client.checkedAddress(address));
    expect(error.failure).toBe('refused');
    expect(resolver.asked).toEqual([]);
  });

  it.each(denied)('refuses a name that resolves to %s', async (address) => {
    const client = new OutboundHttpClient({ resolve: tableResolver({ 'smtp.example.com': [address] }) });
    expect(client.hostProblem('smtp.example.com')).toBeNull();
    const error = await refusal(client.checkedAddress('smtp.example.com'));
    expect(error).toMatchObject({ failure: 'refused' });
    expect(error.message).toMatch(/^host smtp\.example\.com: address \S+ is not allowed/);
  });

  it('refuses metadata and localhost names, and hands over a public address it checked', async () => {
    const client = new OutboundHttpClient({
      resolve: tableResolver({ 'smtp.example.com': ['93.184.216.34'] }),
    });
    expect(client.hostProblem('metadata.google.internal')).toMatch(/metadata/);
    expect(client.hostProblem('localhost')).toMatch(/loopback/);
    expect(await client.checkedAddress('smtp.example.com')).toBe('93.184.216.34');
    expect(await client.checkedAddress('[2606:4700:4700::1111]')).toBe('2606:4700:4700::1111');
  });

  it('lets the allow-list open loopback for development', async () => {
    const client = new OutboundHttpClient({ allow: ['127.0.0.1/32'], resolve: tableResolver({}) });
    expect(await client.checkedAddress('127.0.0.1')).toBe('127.0.0.1');
  });
});
