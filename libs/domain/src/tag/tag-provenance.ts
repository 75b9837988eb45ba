/**
 * Where a tag change came from, signed into its event. Absent on events
 * written before provenance existed and on this service's own API writes:
 * absent means `api`.
 */
export interface TagProvenance {
  source: 'api' | 'notification' | 'reconcile';
  /** The upstream registry (its host) whose state the change records. */
  registry?: string;
  /** The notification's event id (Distribution `events[].id`, CloudEvents `id`). */
  notificationId?: string;
  /** The registry's id of the client request that made the change (Distribution `request.id`). */
  requestId?: string;
}
