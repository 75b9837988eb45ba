import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface OciImage {
  /** An OCI image layout directory, for `skopeo copy oci:<dir>`. */
  layout: string;
  digest: string;
  mediaType: string;
  size: number;
}

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

/** A one-layer image (a tar with one file of random content) of its own, as an OCI layout under `dir`. */
export function buildImage(dir: string): OciImage {
  const layout = newLayout(dir);
  return { layout, ...writeLayoutIndex(layout, writeImage(layout)) };
}

/** An OCI image index of two such images (amd64 and arm64), as an OCI layout: copy it with `skopeo copy --all`. */
export function buildIndex(dir: string): OciImage & { children: string[] } {
  const layout = newLayout(dir);
  const children = [writeImage(layout, 'amd64'), writeImage(layout, 'arm64')];
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: INDEX,
      manifests: children.map((c, i) => ({ ...c, platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' } })),
    }),
  );
  const descriptor = { mediaType: INDEX, digest: writeBlob(layout, index), size: index.length };
  return { layout, ...writeLayoutIndex(layout, descriptor), children: children.map((c) => c.digest) };
}

const INDEX = 'application/vnd.oci.image.index.v1+json';
type Descriptor = { mediaType: string; digest: string; size: number };

function newLayout(dir: string): string {
  const layout = join(dir, randomBytes(6).toString('hex'));
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return layout;
}

function writeBlob(layout: string, bytes: Buffer): string {
  const hex = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(join(layout, 'blobs', 'sha256', hex), bytes);
  return `sha256:${hex}`;
}

function writeLayoutIndex(layout: string, descriptor: Descriptor): Descriptor {
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [descriptor] }));
  return descriptor;
}

function writeImage(layout: string, architecture = 'amd64'): Descriptor {
  const tar = tarOf('hello.txt', randomBytes(32).toString('hex'));
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(tar).digest('hex')}`] } }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: writeBlob(layout, config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: writeBlob(layout, layer), size: layer.length }],
    }),
  );
  return { mediaType: MANIFEST, digest: writeBlob(layout, manifest), size: manifest.length };
}

/** A ustar archive holding one regular file. */
function tarOf(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  const sum = header.reduce((a, b) => a + b, 0);
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}
