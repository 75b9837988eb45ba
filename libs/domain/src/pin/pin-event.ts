export type ManifestPinned = {
  type: 'ManifestPinned';
  data: { repository: string; digest: string; reason: string };
};

export type ManifestUnpinned = {
  type: 'ManifestUnpinned';
  data: { repository: string; digest: string; reason: string };
};

export type PinEvent = ManifestPinned | ManifestUnpinned;

export const PIN_EVENT_TYPES: readonly PinEvent['type'][] = ['ManifestPinned', 'ManifestUnpinned'];
