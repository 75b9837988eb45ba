import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_OPTIONS, type AccessOptions } from './access-options';
import { setPrincipal } from './principal';
import { requiredScopes } from './required-scopes';
import { grants, type Scope, scopeString } from './scope';

/** Registered globally: every route, including those other modules add, passes here. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(@Inject(ACCESS_OPTIONS) private readonly options: AccessOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const tokens = this.options.tokens;
    if (!tokens) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const requirement = requiredScopes(request.method, request.url, request.body);
    if (requirement.kind === 'public') return true;

    const challenge = (extra = '') =>
      `Bearer realm="${tokens.config.realm}",service="${tokens.config.audience}"` +
      (requirement.scopes.length ? `,scope="${requirement.scopes.map(scopeString).join(' ')}"` : '') +
      extra;
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      void reply.header('www-authenticate', challenge());
      throw new TagHistoryError('UNAUTHORIZED', 'authentication required: send a bearer token', { scopes: requirement.scopes.map(scopeString) });
    }
    const principal = await tokens.verify(match[1]!).catch((error: unknown) => {
      if ((error as TagHistoryError).code === 'UNAUTHORIZED') void reply.header('www-authenticate', challenge(',error="invalid_token"'));
      throw error;
    });
    const missing = requirement.scopes.filter((s: Scope) => !grants(principal.access, s));
    if (missing.length > 0 && !(requirement.orElse && grants(principal.access, requirement.orElse))) {
      void reply.header('www-authenticate', challenge(',error="insufficient_scope"'));
      throw new TagHistoryError('DENIED', `the token does not grant ${missing.map(scopeString).join(', ')}`, {
        scopes: missing.map(scopeString),
      });
    }
    setPrincipal(request, principal);
    return true;
  }
}
