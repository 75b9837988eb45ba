import { Controller, Get } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Api } from '../http/openapi/api';
import { openApiDocument } from '../http/openapi/openapi-document';
import { servedRoutes } from '../http/openapi/route-catalog';

/** The API description, made from the routes the app serves (route-catalog.ts) once they are all known. */
@Controller()
export class OpenApiController {
  private document?: object;

  constructor(private readonly host: HttpAdapterHost) {}

  @Get('v2/_openapi.json')
  @Api({
    summary: 'This OpenAPI 3.1 document',
    responses: { 200: { content: { 'application/json': Type.Object({ openapi: Type.Literal('3.1.0'), paths: Type.Object({}) }) } } },
  })
  openapi() {
    return (this.document ??= openApiDocument(servedRoutes(this.host.httpAdapter.getInstance<FastifyInstance>())));
  }
}
