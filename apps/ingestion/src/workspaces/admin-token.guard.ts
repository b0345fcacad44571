import { CanActivate, ExecutionContext, HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { IngestionConfig } from '../config/ingestion.config';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The admin API answers only to `Authorization: Bearer <TSUZUKU_ADMIN_TOKEN>`. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: IngestionConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.TSUZUKU_ADMIN_TOKEN;
    if (!expected) {
      throw new HttpException(
        {
          statusCode: 503,
          error: 'admin_disabled',
          message: 'the admin API is off: set TSUZUKU_ADMIN_TOKEN',
        },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    // Compare digests so the comparison takes the same time whatever the lengths.
    if (!given || !timingSafeEqual(digest(given), digest(expected))) {
      throw new HttpException(
        {
          statusCode: 401,
          error: 'unauthorized',
          message: 'the admin API needs Authorization: Bearer <TSUZUKU_ADMIN_TOKEN>',
        },
        HttpStatus.UNAUTHORIZED,
      );
    }
    return true;
  }
}
