import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toOciError } from './oci-error';

@Catch()
export class OciErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const { status, body } = toOciError(error);
    if (status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    void host.switchToHttp().getResponse<FastifyReply>().status(status).header('content-type', 'application/json').send(body);
  }
}
