import { Controller, Get, Header } from '@nestjs/common';
import { Type } from '@sinclair/typebox';
import { Api } from '../http/openapi/api';
import { json } from '../http/openapi/schemas';

/**
 * The distribution API's base endpoint, so OCI clients (`skopeo list-tags`,
 * crane, oras) accept this service as a registry to read tags from.
 */
@Controller()
export class ApiVersionController {
  @Get('v2')
  @Api({ summary: 'The distribution API base endpoint', responses: { 200: json(Type.Object({}), ['docker-distribution-api-version']) } })
  @Header('docker-distribution-api-version', 'registry/2.0')
  base() {
    return {};
  }
}
