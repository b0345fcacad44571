import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The time every service reads "now" from: the one seam through which tests fix or move time.
 * Inject it instead of calling `new Date()` or `Date.now()` in services, engines and repositories.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock for tests: stands still at the time it is given until moved. */
export class ManualClock extends Clock {
  constructor(private current: Date) {
    super();
  }

  override now(): Date {
    return new Date(this.current.getTime());
  }

  set(at: Date): void {
    this.current = new Date(at.getTime());
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}

/** Provides the Clock to every module of a service (part of PlatformModule). */
@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
