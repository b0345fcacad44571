import { Injectable } from '@nestjs/common';

/** The time the scoring reads windows against; one seam so tests can move it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
