import { CursorCodec, CursorField, cursorField } from '@tsuzuku/platform-runtime';
import { AccountSort } from './domain/account-cursor';

/** The keys of an account-list cursor, whatever the sort. */
type AccountKeys = { key: CursorField<string | null>; accountId: CursorField<string> };

/** Longest name key or account id a cursor carries (longer ones are stored, but not paged past). */
const MAX_KEY_LENGTH = 1024;

const scoreKeys: AccountKeys = {
  key: cursorField.nullable(cursorField.decimal()),
  accountId: cursorField.text(MAX_KEY_LENGTH),
};
const nameKeys: AccountKeys = {
  key: cursorField.text(MAX_KEY_LENGTH),
  accountId: cursorField.text(MAX_KEY_LENGTH),
};

/** One codec per sort: a cursor of one sort is refused for another, and a score key must be a decimal. */
export const ACCOUNT_CURSORS: Readonly<Record<AccountSort, CursorCodec<AccountKeys>>> = {
  score: new CursorCodec('accounts?sort=score', scoreKeys),
  '-score': new CursorCodec('accounts?sort=-score', scoreKeys),
  name: new CursorCodec('accounts?sort=name', nameKeys),
  '-churnRisk': new CursorCodec('accounts?sort=-churnRisk', scoreKeys),
};
