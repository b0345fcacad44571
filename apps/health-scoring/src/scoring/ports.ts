import { sameTraitValue } from '@tsuzuku/contracts';
import { Bands, Measure } from '../scorecards/domain/scorecard';

/** A scorecard as stored: which accounts it scores, its measures and bands. */
export interface StoredScorecard {
  readonly id: string;
  readonly workspaceId: string;
  readonly name: string;
  /** The workspace's default scorecard scores every account no other scorecard claims. */
  readonly isDefault: boolean;
  /** A draft scores no account: it is kept to be backtested and published. */
  readonly draft: boolean;
  /** Scores the accounts of this segment (and touch model, when both are set). */
  readonly segment: string | null;
  readonly touchModel: 'high' | 'low' | 'tech' | null;
  readonly measures: readonly Measure[];
  readonly bands: Bands;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Where the scoring finds the scorecard of an account (implemented by the scorecards feature). */
export abstract class ScorecardDirectory {
  /**
   * The workspace's scorecards, the default one first; the default DEAR scorecard is created
   * when the workspace has none yet.
   */
  abstract scorecardsOf(workspaceId: string): Promise<readonly StoredScorecard[]>;
}

/** Picks an account's scorecard: segment and touch model, then segment, then touch model, then the default. */
export function scorecardFor(
  scorecards: readonly StoredScorecard[],
  account: { readonly segment: string | null; readonly touchModel: string | null },
): StoredScorecard | undefined {
  const rank = (s: StoredScorecard): number => {
    if (s.draft) return 0;
    if (s.isDefault) return 1;
    // A segment is a trait value: "SMB" is the segment smb.
    const segment = s.segment === null || sameTraitValue(s.segment, account.segment);
    const touch = s.touchModel === null || s.touchModel === account.touchModel;
    if (!segment || !touch) return 0;
    return 2 + (s.segment !== null ? 2 : 0) + (s.touchModel !== null ? 1 : 0);
  };
  let best: StoredScorecard | undefined;
  for (const s of scorecards) if (rank(s) > 0 && (!best || rank(s) > rank(best))) best = s;
  return best;
}

export interface RescoreOptions {
  /** Announce account.updated only for accounts whose announced state changed (the sweep). */
  readonly onlyChanged?: boolean;
}

/** What other features ask of the scoring (implemented by RescoringService). */
export abstract class Rescorer {
  /** Recomputes every account of a workspace, e.g. after its scorecards or settings changed. */
  abstract rescoreWorkspace(workspaceId: string, reason: string, options?: RescoreOptions): Promise<number>;
  /** Recomputes one account now, e.g. after an override was set or cleared. */
  abstract rescoreAccount(workspaceId: string, accountId: string, reason: string): Promise<void>;
  /** How many accounts of the workspace are in a segment (compared without regard to case). */
  abstract accountsInSegment(workspaceId: string, segment: string): Promise<number>;
}

/** Which accounts a reassignment moves: these ids, the accounts of `fromOwner`, or those of both. */
export interface OwnerSelection {
  readonly accountIds?: readonly string[];
  readonly fromOwner?: string;
}

/** Gives accounts an owner (implemented by RescoringService, which announces it). */
export abstract class OwnerAssigner {
  /**
   * Sets the owner of the selected accounts of the workspace as of now, announcing each moved
   * account on cs.accounts.v1; answers the ids of the accounts whose owner changed.
   */
  abstract assignOwner(
    workspaceId: string,
    selection: OwnerSelection,
    owner: string | null,
  ): Promise<string[]>;
}
