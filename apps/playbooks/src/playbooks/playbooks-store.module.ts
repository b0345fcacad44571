import { Global, Module } from '@nestjs/common';
import { PlaybookStore } from './playbook-store';

/** The playbook rows, shared by the API and the engine. */
@Global()
@Module({ providers: [PlaybookStore], exports: [PlaybookStore] })
export class PlaybooksStoreModule {}
