import { ContractViolation, describeViolations } from '@tsuzuku/contracts';

export enum KafkaErrorCode {
  ContractViolation = 'CONTRACT_VIOLATION',
  PoisonMessage = 'POISON_MESSAGE',
  /** Postgres refused the values of the message (a data exception): retrying changes nothing. */
  DataRejected = 'DATA_REJECTED',
  HandlerFailed = 'HANDLER_FAILED',
}

/** A message no retry can fix: it goes to the dead-letter topic at once. */
export class PoisonMessageError extends Error {
  override readonly name: string = 'PoisonMessageError';
  constructor(
    message: string,
    readonly code: KafkaErrorCode = KafkaErrorCode.PoisonMessage,
  ) {
    super(message);
  }
}

/** A message that breaks its event contract, on either the producing or the consuming side. */
export class ContractViolationError extends PoisonMessageError {
  override readonly name = 'ContractViolationError';
  constructor(
    readonly violations: readonly ContractViolation[],
    what = 'event',
  ) {
    super(`${what} breaks its contract: ${describeViolations(violations)}`, KafkaErrorCode.ContractViolation);
  }
}
