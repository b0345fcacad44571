import { ApiProperty } from '@nestjs/swagger';

/**
 * Something a request was accepted despite, in the answer's `warnings`: e.g. a scorecard or a
 * report filter whose segment matches no account (`matches_no_account`, field `segment`).
 */
export interface ApiWarning {
  readonly code: string;
  /** The request field the warning is about. */
  readonly field: string;
  readonly message: string;
}

/** The code of a filter or audience value that no account of the workspace has. */
export const MATCHES_NO_ACCOUNT = 'matches_no_account';

/** The warning for a field whose value no account of the workspace has. */
export function matchesNoAccount(field: string, value: string): ApiWarning {
  return {
    code: MATCHES_NO_ACCOUNT,
    field,
    message: `no account of the workspace has ${field} "${value}" (values compare without regard to case)`,
  };
}

export class ApiWarningDto implements ApiWarning {
  @ApiProperty({ example: MATCHES_NO_ACCOUNT })
  code!: string;
  @ApiProperty({ example: 'segment' })
  field!: string;
  @ApiProperty({
    example: 'no account of the workspace has segment "SMB" (values compare without regard to case)',
  })
  message!: string;
}
