import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** A refused backtest or fit: its status, a code and what was wrong. */
export class PredictionsException extends CodedApiException({
  nothing_to_fit: HttpStatus.UNPROCESSABLE_ENTITY,
}) {
  static nothingToFit(outcome: string, from: string, to: string): PredictionsException {
    return new PredictionsException(
      'nothing_to_fit',
      `no model can be fitted: between ${from} and ${to}, the sampled accounts with values do not include both accounts with a ${outcome} and accounts without one`,
    );
  }
}

/** The codes of PredictionsException. */
export type PredictionsExceptionCode = PredictionsException['code'];
