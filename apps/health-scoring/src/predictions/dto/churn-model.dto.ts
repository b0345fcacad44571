import { ApiProperty } from '@nestjs/swagger';

export class ChurnModelFeatureDto {
  @ApiProperty({ example: 'sign_ins_30d:change_30d', description: 'a metric, or `<metric>:change_30d`' })
  feature!: string;
  @ApiProperty({ example: 'sign-ins (30 days), change over 30 days' })
  label!: string;
  @ApiProperty({
    description: 'change in log-odds of a churn per training standard deviation of the feature',
  })
  coefficient!: number;
  @ApiProperty({ description: 'training mean (a missing value counts as this)' })
  mean!: number;
  @ApiProperty({ description: 'training standard deviation (1 for a constant feature)' })
  scale!: number;
}

export class ChurnTrainingDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'date-time' })
  trainedAt!: string;
  @ApiProperty({ enum: ['schedule', 'request'] })
  trigger!: 'schedule' | 'request';
  @ApiProperty({ example: '2026-12-05', description: 'only what was known by the end of this day was read' })
  cutoff!: string;
  @ApiProperty({
    description: 'examples: an account on a month start, and whether it churned within the horizon',
  })
  examples!: number;
  @ApiProperty({ description: 'examples whose account churned within the horizon' })
  churns!: number;
  @ApiProperty({ description: 'distinct accounts among those churns' })
  churnedAccounts!: number;
}

/** A trained model: how it did, and its coefficients. */
export class ChurnModelDto extends ChurnTrainingDto {
  @ApiProperty({ description: 'a churn within this many days after an observation day is the outcome' })
  horizonDays!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'mean ROC AUC of 5-fold cross-validation' })
  crossValidatedAuc!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'ROC AUC on the latest months of a model fitted on the earlier months only',
  })
  holdoutAuc!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'first observation day of the holdout' })
  holdoutFrom!: string | null;
  @ApiProperty()
  intercept!: number;
  @ApiProperty({ description: 'the L2 penalty on the standardised coefficients' })
  l2!: number;
  @ApiProperty({ type: [ChurnModelFeatureDto], description: 'largest coefficient (by absolute size) first' })
  features!: ChurnModelFeatureDto[];
}

export class ChurnModelAnswerDto {
  @ApiProperty({
    type: ChurnModelDto,
    nullable: true,
    description:
      'the model the accounts are predicted by; null when the latest training found too little history',
  })
  model!: ChurnModelDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'why there is no model' })
  reason!: string | null;
  @ApiProperty({
    type: ChurnTrainingDto,
    nullable: true,
    description: 'the latest training, with a model or not',
  })
  lastTraining!: ChurnTrainingDto | null;
}
