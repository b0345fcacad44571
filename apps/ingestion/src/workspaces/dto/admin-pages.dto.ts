import {
  CursorCodec,
  CursorOf,
  CursorQuery,
  PageDto,
  PageQuery,
  cursorField,
} from '@tsuzuku/platform-runtime';
import { CredentialDto, WorkspaceDto } from './admin.dto';

const adminKeys = { at: cursorField.instant(), id: cursorField.text(128) };

/** Where a page of an admin list ended: the last row's creation time and id (oldest first). */
export type AdminCursor = CursorOf<typeof adminKeys>;

/** The cursors of the workspace list. */
export const WORKSPACES_CURSOR = new CursorCodec('workspaces', adminKeys);

/** The cursors of a workspace's write keys or API tokens. */
export const CREDENTIALS_CURSOR = new CursorCodec('credentials', adminKeys);

/** A page of the workspace list, oldest first. */
export class ListWorkspacesQuery extends PageQuery {
  @CursorQuery(WORKSPACES_CURSOR)
  cursor?: AdminCursor;
}

/** A page of a workspace's write keys or API tokens, oldest first. */
export class ListCredentialsQuery extends PageQuery {
  @CursorQuery(CREDENTIALS_CURSOR)
  cursor?: AdminCursor;
}

export const WorkspacePageDto = PageDto(WorkspaceDto, 'WorkspacePageDto');
export const CredentialPageDto = PageDto(CredentialDto, 'CredentialPageDto');
