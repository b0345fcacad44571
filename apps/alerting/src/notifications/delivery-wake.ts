import { Injectable } from '@nestjs/common';

/** Lets whoever created deliveries nudge the delivery worker instead of waiting for its poll. */
@Injectable()
export class DeliveryWake {
  private listener?: () => void;
  private timer?: NodeJS.Timeout;

  /** The worker's wake-up call. */
  listen(listener: () => void): void {
    this.listener = listener;
  }

  /** Wakes the worker shortly: the deliveries are visible once the caller's transaction commits. */
  soon(): void {
    if (this.timer || !this.listener) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.listener?.();
    }, 25);
    this.timer.unref();
  }
}
