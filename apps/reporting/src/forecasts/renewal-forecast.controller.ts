import { Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { wantsCsv } from '../reports/csv';
import {
  RenewalForecastDto,
  RenewalForecastQuery,
  RenewalOutcomeDto,
  RenewalOutcomeQuery,
} from './dto/renewal-forecast.dto';
import { renewalForecastCsv, renewalOutcomeCsv } from './renewal-forecast.csv';
import {
  RenewalForecastReport,
  RenewalForecastService,
  RenewalOutcomeReport,
} from './renewal-forecast.service';

/** The renewal forecast of the API token's workspace, as JSON or (Accept: text/csv) CSV. */
@ApiController('reports', 'v1/reports/renewal-forecast')
@ApiProduces('application/json', 'text/csv')
@ApiHeader({ name: 'accept', required: false, description: 'text/csv for CSV instead of JSON' })
@ApiResponse({ status: 400, description: 'invalid parameters, each with its field path' })
export class RenewalForecastController {
  constructor(private readonly forecasts: RenewalForecastService) {}

  @ApiRead(
    'The renewals of the next days: expected renewing MRR (Σ (1 − churn probability) × MRR), the at-risk renewals most at risk first, and the renewals without a prediction apart',
    RenewalForecastDto,
  )
  async forecast(
    @Auth() auth: AuthContext,
    @Query() q: RenewalForecastQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RenewalForecastReport | string> {
    const report = await this.forecasts.forecast(auth.workspaceId, q.days, q.limit);
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return renewalForecastCsv(report);
  }

  @ApiResponse({ status: 404, description: 'no forecast was recorded on `from`' })
  @ApiRead(
    'A past period: the forecast recorded on its first day against the MRR that renewed and churned by its end',
    RenewalOutcomeDto,
    'outcome',
  )
  async outcome(
    @Auth() auth: AuthContext,
    @Query() q: RenewalOutcomeQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RenewalOutcomeReport | string> {
    const report = await this.forecasts.outcome(auth.workspaceId, q.from, q.days);
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return renewalOutcomeCsv(report);
  }
}
