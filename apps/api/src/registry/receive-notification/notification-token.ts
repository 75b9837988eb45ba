import { assertStaticBearer } from '../../http/static-bearer';

/** Registries can only send a static header: `Authorization: Bearer <REGISTRY_NOTIFICATIONS_TOKEN>`. */
export function assertNotificationToken(header: string | string[] | undefined, token: string | undefined): void {
  assertStaticBearer(header, token, 'notifications need Authorization: Bearer <REGISTRY_NOTIFICATIONS_TOKEN>');
}
