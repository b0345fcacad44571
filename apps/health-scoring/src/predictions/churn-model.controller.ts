import { HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { StoredChurnModel } from './churn-model.repository';
import { ChurnModelService } from './churn-model.service';
import { featureLabel } from './domain/churn-risk';
import { ChurnModelAnswerDto, ChurnTrainingDto } from './dto/churn-model.dto';

/**
 * The workspace's churn model: trained on its own history on a schedule, and on request. Each
 * account's prediction is on GET /v1/accounts/{id}/health and in GET /v1/accounts.
 */
@ApiController('churn model', 'v1/churn-model')
export class ChurnModelController {
  constructor(private readonly models: ChurnModelService) {}

  @ApiRead('The churn model in use (its AUCs and coefficients), or why there is none', ChurnModelAnswerDto)
  async get(@Auth() auth: AuthContext): Promise<ChurnModelAnswerDto> {
    return answerOf(await this.models.latest(auth.workspaceId));
  }

  @Post('train')
  @HttpCode(200)
  @RequireScopes('write')
  @ApiOperation({
    summary:
      "Train the workspace's churn model now on its history up to today, and predict every account that has not churned; answers the new model, or why there is none",
  })
  @ApiResponse({ status: 200, type: ChurnModelAnswerDto })
  async train(@Auth() auth: AuthContext): Promise<ChurnModelAnswerDto> {
    return answerOf(await this.models.train(auth.workspaceId, 'request'));
  }
}

function answerOf(latest: StoredChurnModel | undefined): ChurnModelAnswerDto {
  if (!latest)
    return {
      model: null,
      reason: 'not trained yet: the first training runs shortly after start',
      lastTraining: null,
    };
  const training: ChurnTrainingDto = {
    id: latest.id,
    trainedAt: latest.trainedAt,
    trigger: latest.trigger,
    cutoff: latest.cutoff,
    examples: latest.examples,
    churns: latest.churns,
    churnedAccounts: latest.churnedAccounts,
  };
  const model = latest.model;
  if (!model) return { model: null, reason: latest.reason, lastTraining: training };
  return {
    model: {
      ...training,
      horizonDays: latest.horizonDays,
      crossValidatedAuc: latest.crossValidatedAuc,
      holdoutAuc: latest.holdoutAuc,
      holdoutFrom: latest.holdoutFrom,
      intercept: model.intercept,
      l2: model.l2,
      features: model.features
        .map((feature, i) => ({
          feature,
          label: featureLabel(feature),
          coefficient: model.coefficients[i]!,
          mean: model.means[i]!,
          scale: model.scales[i]!,
        }))
        .sort(
          (a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient) || a.feature.localeCompare(b.feature),
        ),
    },
    reason: null,
    lastTraining: training,
  };
}
