import { Module } from '@nestjs/common';
import { PlaybookStore } from './playbook-store';
import { PlaybookRepository } from './playbook.repository';

/** The playbook rows, shared by the API and the engine. */
@Module({ providers: [PlaybookRepository, PlaybookStore], exports: [PlaybookRepository, PlaybookStore] })
export class PlaybooksStoreModule {}
