import { Controller, Get, Header } from '@nestjs/common';

/**
 * The distribution API's base endpoint, so OCI clients (`skopeo list-tags`,
 * crane, oras) accept this service as a registry to read tags from.
 */
@Controller()
export class ApiVersionController {
  @Get('v2')
  @Header('docker-distribution-api-version', 'registry/2.0')
  base() {
    return {};
  }
}
