import { Global, Module } from '@nestjs/common';
import { PlaybookStore } from './playbook-store';
import { PlaybookRepository } from './playbook.repository';

/** The playbook rows, shared by the API and the engine. */
@Global()
@Module({ providers: [PlaybookRepository, PlaybookStore], exports: [PlaybookRepository, PlaybookStore] })
export class PlaybooksStoreModule {}
