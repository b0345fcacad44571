import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsInt, IsNumber, IsOptional, IsString, MaxLength } from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false } as const;

/** The whole settings of a workspace; an absent field takes its default. */
export class PutWorkspaceSettingsDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['Invited Team', 'Connected Data'],
    description: 'onboarding steps (Onboarding Step Completed, property step); default none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  onboardingMilestones?: string[];

  @ApiPropertyOptional({
    type: [String],
    example: ['Report Exported', 'Dashboard Shared'],
    description: 'track event names of the key features; default none',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  keyFeatures?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 365,
    default: 90,
    description: 'renewal phase length before renewal',
  })
  @IsOptional()
  @IsInt()
  renewalWindowDays?: number;

  @ApiPropertyOptional({
    default: 5000,
    description: 'MRR from which an account is high touch; > touchLowMrr',
  })
  @IsOptional()
  @IsNumber(finite)
  touchHighMrr?: number;

  @ApiPropertyOptional({ minimum: 0, default: 500, description: 'MRR from which an account is low touch' })
  @IsOptional()
  @IsNumber(finite)
  touchLowMrr?: number;
}

export class WorkspaceSettingsDto {
  @ApiProperty({ type: [String] })
  onboardingMilestones!: string[];
  @ApiProperty({ type: [String] })
  keyFeatures!: string[];
  @ApiProperty()
  renewalWindowDays!: number;
  @ApiProperty()
  touchHighMrr!: number;
  @ApiProperty()
  touchLowMrr!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null: never set, defaults',
  })
  updatedAt!: string | null;
}

export class ChangedWorkspaceSettingsDto extends WorkspaceSettingsDto {
  @ApiProperty({ description: 'accounts of the workspace rescored after the change' })
  rescored!: number;
}
