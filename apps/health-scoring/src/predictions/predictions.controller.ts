import { Body, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiController } from '@tsuzuku/platform-runtime';
import { InvalidRequestDto } from '../scorecards/dto/scorecard.dto';
import { BacktestService, SuggestedWeights } from './backtest.service';
import { BacktestDto, BacktestRequestDto, OutcomePeriodDto, SuggestedWeightsDto } from './dto/backtest.dto';

/**
 * Scorecards against what happened: a backtest scores the accounts on the values they had before
 * their outcomes, and weights can be fitted on the same sample. Both read only (the read scope),
 * though they are POSTs for their bodies.
 */
@ApiController('scorecards', 'v1/scorecards')
@ApiResponse({ status: 404, description: 'no such scorecard (or compareWith scorecard) in this workspace' })
export class PredictionsController {
  constructor(private readonly backtests: BacktestService) {}

  @Post(':id/backtest')
  @HttpCode(200)
  @RequireScopes('read')
  @ApiOperation({
    summary:
      'Backtest a scorecard: accounts with the outcome in the period, scored on their values horizonDays before it, against accounts without it on the same days: ROC AUC, outcome rate per band, precision and recall of red, calibration by score decile',
  })
  @ApiResponse({ status: 200, type: BacktestDto })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  backtest(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: BacktestRequestDto,
  ): Promise<BacktestDto> {
    return this.backtests.backtest(auth.workspaceId, id, body);
  }

  @Post(':id/suggested-weights')
  @HttpCode(200)
  @RequireScopes('read')
  @ApiOperation({
    summary:
      "Fit a regularised logistic regression of the outcome on the scorecard's metrics (the backtest's sample) and propose weights, with the cross-validated AUC and a scorecard body to save and backtest",
  })
  @ApiResponse({ status: 200, type: SuggestedWeightsDto })
  @ApiResponse({ status: 400, type: InvalidRequestDto, description: 'every problem with its field path' })
  @ApiResponse({ status: 422, description: 'the sample lacks accounts with the outcome, or without it' })
  suggestedWeights(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: OutcomePeriodDto,
  ): Promise<SuggestedWeights> {
    return this.backtests.suggestedWeights(auth.workspaceId, id, body);
  }
}
