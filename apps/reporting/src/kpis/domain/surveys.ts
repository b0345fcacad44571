import { SurveyTotals, isSatisfied, npsCategory } from './kpi-formulas';

export interface SurveyResponse {
  readonly eventId: string;
  /** userId, else anonymousId. */
  readonly respondent: string;
  readonly survey: 'nps' | 'csat';
  readonly score: number;
  readonly at: number;
}

/** Whether a response is a valid answer: NPS 0-10, CSAT 1-5, whole numbers. */
export function isValidResponse(survey: string, score: number): boolean {
  if (!Number.isInteger(score)) return false;
  if (survey === 'nps') return score >= 0 && score <= 10;
  if (survey === 'csat') return score >= 1 && score <= 5;
  return false;
}

/** NPS over each respondent's latest NPS answer, CSAT over every CSAT answer, of one month. */
export function surveyTotals(responses: readonly SurveyResponse[]): SurveyTotals {
  const latest = new Map<string, SurveyResponse>();
  let csatResponses = 0;
  let csatSatisfied = 0;
  for (const r of responses) {
    if (r.survey === 'csat') {
      csatResponses++;
      if (isSatisfied(r.score)) csatSatisfied++;
      continue;
    }
    const known = latest.get(r.respondent);
    if (!known || known.at < r.at || (known.at === r.at && known.eventId < r.eventId))
      latest.set(r.respondent, r);
  }
  let promoters = 0;
  let detractors = 0;
  for (const r of latest.values()) {
    const category = npsCategory(r.score);
    if (category === 'promoter') promoters++;
    else if (category === 'detractor') detractors++;
  }
  return { npsRespondents: latest.size, promoters, detractors, csatResponses, csatSatisfied };
}
