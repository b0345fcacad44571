import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IngestionException } from './ingestion.exception';

/** Writes an IngestionException as its status, headers and JSON body. */
@Catch(IngestionException)
export class IngestionExceptionFilter implements ExceptionFilter {
  catch(exception: IngestionException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(exception.getStatus()).headers(exception.headers).send(exception.getResponse());
  }
}
