/** The attributes a KPI can be sliced by, as they stood at some instant. */
export interface SliceAttributes {
  readonly segment: string | null;
  readonly touchModel: string | null;
  readonly phase: string | null;
  /** The account's CSM (csmEmail). */
  readonly owner: string | null;
}

/** A change of an account's slice attributes, effective from `at` (epoch milliseconds). */
export interface AttributeChange extends SliceAttributes {
  readonly at: number;
  readonly eventId: string;
}

export const NO_ATTRIBUTES: SliceAttributes = { segment: null, touchModel: null, phase: null, owner: null };

/**
 * The attributes in effect just before `before` (the end of a month): the latest change before
 * it. An account whose first known attributes come later (account.updated is published when the
 * account is scored, after history imported with past timestamps) takes its earliest known ones.
 */
export function attributesBefore(changes: readonly AttributeChange[], before: number): SliceAttributes {
  let found: AttributeChange | undefined;
  let earliest: AttributeChange | undefined;
  for (const change of changes) {
    if (!earliest || later(earliest, change)) earliest = change;
    if (change.at < before && (!found || later(change, found))) found = change;
  }
  const chosen = found ?? earliest;
  return chosen
    ? { segment: chosen.segment, touchModel: chosen.touchModel, phase: chosen.phase, owner: chosen.owner }
    : NO_ATTRIBUTES;
}

function later(a: AttributeChange, b: AttributeChange): boolean {
  return a.at !== b.at ? a.at > b.at : a.eventId > b.eventId;
}

export function sameAttributes(a: SliceAttributes, b: SliceAttributes): boolean {
  return (
    a.segment === b.segment && a.touchModel === b.touchModel && a.phase === b.phase && a.owner === b.owner
  );
}
