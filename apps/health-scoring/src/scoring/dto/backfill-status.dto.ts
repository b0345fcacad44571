import { ApiProperty } from '@nestjs/swagger';

/** Where the workspace's imported history stands. */
export class BackfillStatusDto {
  @ApiProperty({
    description:
      'accounts whose history was rebuilt and whose present state is not announced yet (0: alerts and playbooks have the present of every account)',
  })
  pendingAccounts!: number;

  @ApiProperty({
    description: 'events older than this (by event time) are history, as are those sent to /v1/import',
  })
  horizonHours!: number;

  @ApiProperty({
    description: "how long an account's history must be quiet before its present state is announced",
  })
  settleMs!: number;
}
