import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { ApiErrorBody } from '@shotmatrix/contracts';
import { DomainError, type DomainErrorKind } from '@shotmatrix/domain';

const STATUS: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthenticated: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  'not-found': HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-media': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  'precondition-required': HttpStatus.PRECONDITION_REQUIRED,
  'rate-limited': HttpStatus.TOO_MANY_REQUESTS,
};

/** The one place where errors become HTTP responses: every error body has a code and a readable message. */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly log = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = toBody(error);
    if (body.statusCode >= 500) this.log.error(error instanceof Error ? error.stack : String(error));
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(body.statusCode).json(body);
  }
}

function toBody(error: unknown): ApiErrorBody {
  if (error instanceof DomainError) {
    const body: ApiErrorBody = { statusCode: STATUS[error.kind], code: error.code, message: error.message };
    if (error.problems?.length) body.problems = error.problems;
    return body;
  }
  if (error instanceof HttpException) {
    const r = error.getResponse();
    const message = typeof r === 'string' ? r : String((r as { message?: unknown }).message ?? error.message);
    return { statusCode: error.getStatus(), code: `HTTP_${error.getStatus()}`, message };
  }
  return { statusCode: 500, code: 'INTERNAL', message: 'Something went wrong on our side; the error has been logged.' };
}
