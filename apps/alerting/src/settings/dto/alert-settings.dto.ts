import { ApiProperty } from '@nestjs/swagger';

/** Alerting's copy of the workspace settings it applies. */
export class AlertSettingsDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'owner of the alerts of accounts that name no owner (the workspace setting)',
  })
  fallbackOwner!: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'the version of the workspace settings applied; null until the first reaches alerting',
  })
  version!: number | null;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
