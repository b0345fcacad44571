import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsInt, IsNumber, IsString, MaxLength } from 'class-validator';

const finite = { allowNaN: false, allowInfinity: false } as const;

/** The whole settings of a workspace: every field required (GET them, change some, PUT them back). */
export class PutWorkspaceSettingsDto {
  @ApiProperty({
    type: [String],
    example: ['Invited Team', 'Connected Data'],
    description: 'onboarding steps (Onboarding Step Completed, property step); [] for none',
  })
  @IsDefined({ message: '$property is required' })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  onboardingMilestones!: string[];

  @ApiProperty({
    type: [String],
    example: ['Report Exported', 'Dashboard Shared'],
    description: 'track event names of the key features; [] for none',
  })
  @IsDefined({ message: '$property is required' })
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  keyFeatures!: string[];

  @ApiProperty({
    minimum: 1,
    maximum: 365,
    description: 'renewal phase length before renewal (90 until set)',
  })
  @IsDefined({ message: '$property is required' })
  @IsInt()
  renewalWindowDays!: number;

  @ApiProperty({
    description: 'MRR from which an account is high touch; > touchLowMrr (5000 until set)',
  })
  @IsDefined({ message: '$property is required' })
  @IsNumber(finite)
  touchHighMrr!: number;

  @ApiProperty({ minimum: 0, description: 'MRR from which an account is low touch (500 until set)' })
  @IsDefined({ message: '$property is required' })
  @IsNumber(finite)
  touchLowMrr!: number;
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
