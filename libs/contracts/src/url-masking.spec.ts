import { MASKED, maskUrl, unmaskUrl } from './url-masking';

describe('outbound URL masking', () => {
  it.each([
    ['https://hooks.example.com/tsuzuku', {}, 'https://hooks.example.com/tsuzuku'],
    [
      'https://hooks.example.com/t?token=abc&v=2',
      {},
      `https://hooks.example.com/t?token=${MASKED}&v=${MASKED}`,
    ],
    ['https://user:pa55@hooks.example.com:8443/t', {}, `https://${MASKED}@hooks.example.com:8443/t`],
    ['https://user@hooks.example.com/t#sig=abc', {}, `https://${MASKED}@hooks.example.com/t#${MASKED}`],
    ['https://h.example/t?a=1&a=2&b', {}, `https://h.example/t?a=${MASKED}&b=${MASKED}`],
    ['https://hooks.slack.com/services/T0/B0/XXXX', { hidePath: true }, `https://hooks.slack.com/${MASKED}`],
    ['https://hooks.slack.com/', { hidePath: true }, 'https://hooks.slack.com/'],
    [
      'https://u:p@hooks.slack.com/services/T0?k=v',
      { hidePath: true },
      `https://${MASKED}@hooks.slack.com/${MASKED}?k=${MASKED}`,
    ],
    ['not a url', {}, MASKED],
  ])('%s %j → %s', (url, masking, expected) => {
    expect(maskUrl(url, masking)).toBe(expected);
  });

  it('never shows a credential or a query value', () => {
    const url = 'https://alice:s3cr3t-pass@h.example/p?token=tok-9f8e7d&api_key=key-123#frag-456';
    const masked = maskUrl(url);
    for (const secret of ['alice', 's3cr3t-pass', 'tok-9f8e7d', 'key-123', 'frag-456'])
      expect(masked).not.toContain(secret);
    expect(masked).toContain('token=');
    expect(masked).toContain('api_key=');
  });

  it('puts back the stored URL only when its own mask comes back', () => {
    const stored = 'https://h.example/p?token=abc';
    expect(unmaskUrl(maskUrl(stored), stored)).toBe(stored);
    expect(unmaskUrl('https://h.example/p?token=new', stored)).toBe('https://h.example/p?token=new');
    expect(unmaskUrl(maskUrl('https://other.example/p?token=abc'), stored)).toBe(
      maskUrl('https://other.example/p?token=abc'),
    );
    expect(unmaskUrl(maskUrl(stored), null)).toBe(maskUrl(stored));
    const slack = 'https://hooks.slack.com/services/T0/B0/XXXX';
    expect(unmaskUrl(maskUrl(slack, { hidePath: true }), slack, { hidePath: true })).toBe(slack);
  });
});
