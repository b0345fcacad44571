import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { GrpcExceptionFilter, grpcErrorOf } from './grpc-exception.filter';

describe('gRPC status of a refusal', () => {
  it.each([
    [new UnauthorizedException({ message: 'unknown or revoked API token' }), status.UNAUTHENTICATED],
    [new ForbiddenException({ message: 'the API token lacks the scope read' }), status.PERMISSION_DENIED],
    [new NotFoundException({ message: 'no such report' }), status.NOT_FOUND],
    [new ServiceUnavailableException({ message: 'starting' }), status.UNAVAILABLE],
    [new HttpException({ message: 'slow down' }, 429), status.RESOURCE_EXHAUSTED],
  ])('%s answers its code with its message', (exception, code) => {
    const error = grpcErrorOf(exception);
    expect(error?.code).toBe(code);
    expect(error?.details).toBe((exception.getResponse() as { message: string }).message);
  });

  it('names each invalid field of a 400 in the details', () => {
    const error = grpcErrorOf(
      new BadRequestException({
        message: 'the request body is invalid',
        errors: [
          { path: 'from', message: 'must be a month, YYYY-MM' },
          { path: 'touchModel', message: 'must be one of high, low, tech' },
        ],
      }),
    );
    expect(error).toEqual({
      code: status.INVALID_ARGUMENT,
      details: 'from: must be a month, YYYY-MM; touchModel: must be one of high, low, tech',
    });
  });

  it('passes a gRPC error an RpcException carries, and leaves other failures to INTERNAL', async () => {
    expect(grpcErrorOf(new RpcException({ code: status.ABORTED, details: 'x' }))).toEqual({
      code: status.ABORTED,
      details: 'x',
    });
    expect(grpcErrorOf(new Error('boom'))).toBeUndefined();
    expect(grpcErrorOf(new HttpException('teapot', 418))).toBeUndefined();
    const filter = new GrpcExceptionFilter();
    jest.spyOn(filter['logger'], 'error').mockImplementation(() => undefined);
    await expect(lastValueFrom(filter.catch(new Error('secret stack'), {} as never))).rejects.toEqual({
      code: status.INTERNAL,
      details: 'internal error',
    });
    await expect(
      lastValueFrom(filter.catch(new ForbiddenException('no'), {} as never)),
    ).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
    });
  });
});
