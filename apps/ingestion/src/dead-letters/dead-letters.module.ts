import { Module } from '@nestjs/common';
import { DeadLetterReader } from './dead-letter.reader';
import { DeadLettersService } from './dead-letters.service';

/** The dead letters of every service, for the CLI: list, show, replay. */
@Module({
  providers: [DeadLetterReader, DeadLettersService],
  exports: [DeadLettersService],
})
export class DeadLettersModule {}
