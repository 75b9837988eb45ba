import { Body, Controller, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { Type } from '@sinclair/typebox';
import { parseCloudEvent } from './cloudevents-payload';
import { parseHarborPayload } from './harbor-payload';
import { readJsonBody } from '../../http/request-body';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';
import { DISTRIBUTION_EVENTS_MEDIA_TYPE, parseDistributionEnvelope } from './distribution-envelope';
import { NotificationInbox } from './notification-inbox';
import { assertNotificationToken } from './notification-token';
import { Api } from '../../http/openapi/api';
import { AnyJson, Count, json } from '../../http/openapi/schemas';

/** The inbox's Receipt: checks queued, checks already queued, and events that change no tag. */
const RECEIPT = json(Type.Object({ queued: Count, duplicates: Count, ignored: Count }));

/**
 * Answers as soon as the hints are in Postgres, well under a registry's
 * timeout (Distribution: 1 s), so the registry neither retries nor blocks.
 */
@Controller()
export class ReceiveNotificationController {
  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly inbox: NotificationInbox,
  ) {}

  @Post('v2/_notifications/distribution')
  @Api({
    summary: 'Notifications of a CNCF Distribution registry',
    headers: ['content-type'],
    body: { 'application/vnd.docker.distribution.events.v1+json': AnyJson, 'application/json': AnyJson },
    responses: { 202: RECEIPT },
  })
  @HttpCode(202)
  distribution(@Headers() headers: Record<string, string | undefined>, @Body() body: unknown) {
    assertNotificationToken(headers.authorization, this.config.notificationsToken);
    const json = readJsonBody(body, headers['content-type'], [DISTRIBUTION_EVENTS_MEDIA_TYPE, 'application/json']);
    return this.inbox.receive(parseDistributionEnvelope(json));
  }

  @Post('v2/_notifications/harbor')
  @Api({ summary: 'Webhooks of Harbor', headers: ['content-type'], body: { 'application/json': AnyJson }, responses: { 202: RECEIPT } })
  @HttpCode(202)
  harbor(@Headers() headers: Record<string, string | undefined>, @Body() body: unknown) {
    assertNotificationToken(headers.authorization, this.config.notificationsToken);
    const json = readJsonBody(body, headers['content-type'], ['application/json', CLOUDEVENTS_MEDIA_TYPE]);
    return this.inbox.receive(parseHarborPayload(json, body as Buffer));
  }

  @Post('v2/_notifications/cloudevents')
  @Api({
    summary: 'CloudEvents (structured or binary mode)',
    headers: ['content-type'],
    body: { 'application/json': AnyJson, 'application/cloudevents+json': AnyJson },
    responses: { 202: RECEIPT },
  })
  @HttpCode(202)
  cloudevents(@Headers() headers: Record<string, string | undefined>, @Body() body: unknown) {
    assertNotificationToken(headers.authorization, this.config.notificationsToken);
    const json = readJsonBody(body, headers['content-type'], ['application/json', CLOUDEVENTS_MEDIA_TYPE]);
    const structured = headers['content-type']!.split(';', 1)[0]!.trim().toLowerCase() === CLOUDEVENTS_MEDIA_TYPE;
    return this.inbox.receive(parseCloudEvent(headers, json, structured));
  }
}

const CLOUDEVENTS_MEDIA_TYPE = 'application/cloudevents+json';
