import { parsePrometheusText, sampleSum } from './prometheus-text';

describe('parsePrometheusText', () => {
  const text = [
    '# HELP t_total things',
    '# TYPE t_total counter',
    't_total{kind="a",route="/v1/{id}"} 2',
    't_total{kind="b",note="say \\"hi\\""} 3.5',
    'plain 7',
    'h_bucket{le="+Inf"} 4',
    '',
  ].join('\n');

  it('reads names, labels (escapes undone) and values', () => {
    expect(parsePrometheusText(text)).toEqual([
      { name: 't_total', labels: { kind: 'a', route: '/v1/{id}' }, value: 2 },
      { name: 't_total', labels: { kind: 'b', note: 'say "hi"' }, value: 3.5 },
      { name: 'plain', labels: {}, value: 7 },
      { name: 'h_bucket', labels: { le: '+Inf' }, value: 4 },
    ]);
  });

  it('sums the samples whose labels match, and tells absent from zero', () => {
    const samples = parsePrometheusText(text);
    expect(sampleSum(samples, 't_total')).toBe(5.5);
    expect(sampleSum(samples, 't_total', { kind: 'a' })).toBe(2);
    expect(sampleSum(samples, 't_total', { kind: 'c' })).toBeUndefined();
    expect(sampleSum(samples, 'missing')).toBeUndefined();
  });

  it('refuses a line that is not a sample', () => {
    expect(() => parsePrometheusText('what is this line')).toThrow(/not a Prometheus sample/);
  });
});
