/** Keep a manifest referenced without a tag (audits, reproducible builds), and let it go again. */
export type PinManifest = {
  type: 'PinManifest';
  data: { repository: string; digest: string; reason: string };
};

export type UnpinManifest = {
  type: 'UnpinManifest';
  data: { repository: string; digest: string; reason: string };
};

export type PinCommand = PinManifest | UnpinManifest;
