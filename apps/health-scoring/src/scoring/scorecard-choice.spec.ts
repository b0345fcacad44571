import { StoredScorecard, scorecardFor } from './ports';

const scorecard = (id: string, over: Partial<StoredScorecard>): StoredScorecard => ({
  id,
  workspaceId: 'ws',
  name: id,
  isDefault: false,
  draft: false,
  segment: null,
  touchModel: null,
  measures: [],
  bands: { red: 40, yellow: 70 },
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('scorecardFor', () => {
  const scorecards = [
    scorecard('default', { isDefault: true }),
    scorecard('smb', { segment: 'SMB' }),
    scorecard('smb-tech', { segment: 'smb', touchModel: 'tech' }),
    scorecard('tech', { touchModel: 'tech' }),
  ];

  it.each<[string | null, string | null, string]>([
    ['smb', 'low', 'smb'],
    ['Smb', 'low', 'smb'],
    ['SMB', 'tech', 'smb-tech'],
    ['enterprise', 'tech', 'tech'],
    ['enterprise', 'high', 'default'],
    [null, 'high', 'default'],
  ])(
    'an account of segment %p and touch model %p is scored by %s (segments ignore case)',
    (segment, touchModel, id) => {
      expect(scorecardFor(scorecards, { segment, touchModel })?.id).toBe(id);
    },
  );

  it('never scores an account with a draft, even one made for its very audience', () => {
    const withDrafts = [
      ...scorecards,
      scorecard('draft-smb-tech', { segment: 'smb', touchModel: 'tech', draft: true }),
      scorecard('draft-any', { draft: true }),
    ];
    expect(scorecardFor(withDrafts, { segment: 'smb', touchModel: 'tech' })?.id).toBe('smb-tech');
    expect(scorecardFor(withDrafts, { segment: null, touchModel: 'high' })?.id).toBe('default');
    expect(
      scorecardFor([scorecard('only-draft', { draft: true })], { segment: null, touchModel: null }),
    ).toBeUndefined();
  });
});
