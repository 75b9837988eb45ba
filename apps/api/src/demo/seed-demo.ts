import type { CommandBus } from '@nestjs/cqrs';
import { createHash } from 'node:crypto';
import { RestoreTagCommand } from '../history/restore-tag/restore-tag.command';
import { TagWriteCommand } from '../tags/execute-tag-command';

/** The time the next command is recorded at: the demo writes weeks of history in a moment. */
export interface DemoClock {
  set(time: Date): void;
}

type Step =
  | { at: number; actor: string; op: 'put'; repository: string; tag: string; image: string }
  | { at: number; actor: string; op: 'delete'; repository: string; tag: string }
  | { at: number; actor: string; op: 'restore'; repository: string; tag: string; image: string };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

/** A stable digest per image name, so two seeds of the demo look the same. */
export function demoDigest(image: string): string {
  return `sha256:${createHash('sha256').update(`tag-history demo ${image}`).digest('hex')}`;
}

/**
 * Six weeks of three repositories: releases promoted from `latest` to
 * `stable` to `prod` by CI and people, aliases that share a digest, a bad
 * release deleted and the tag restored.
 */
function demoSteps(): Step[] {
  const steps: Step[] = [];
  const put = (at: number, actor: string, repository: string, tag: string, image: string) => steps.push({ at, actor, op: 'put', repository, tag, image });
  const app = 'team/app';
  const releases = ['1.0', '1.1', '1.2', '1.3', '1.4'];
  releases.forEach((v, i) => {
    const day = i * 8;
    put(day * DAY, 'ci-bot', app, `v${v}`, `app-${v}`);
    put(day * DAY + HOUR, 'ci-bot', app, 'latest', `app-${v}`);
    put((day + 2) * DAY, 'alice', app, 'stable', `app-${v}`);
    if (v !== '1.3') put((day + 4) * DAY, i % 2 ? 'bob' : 'alice', app, 'prod', `app-${v}`);
  });
  // 1.3 was bad: prod never got it, the tag is deleted, then restored for the post-mortem.
  steps.push({ at: 30 * DAY, actor: 'carol', op: 'delete', repository: app, tag: 'v1.3' });
  steps.push({ at: 31 * DAY, actor: 'carol', op: 'restore', repository: app, tag: 'v1.3', image: 'app-1.3' });
  put(35 * DAY, 'bob', app, 'stable', 'app-1.2');
  put(36 * DAY, 'alice', app, 'stable', 'app-1.4');

  const nginx = 'library/nginx';
  put(1 * DAY, 'mirror', nginx, '1.25', 'nginx-1.25.3');
  put(1 * DAY, 'mirror', nginx, 'latest', 'nginx-1.25.3');
  put(12 * DAY, 'mirror', nginx, '1.25', 'nginx-1.25.4');
  put(12 * DAY + HOUR, 'mirror', nginx, 'latest', 'nginx-1.25.4');
  put(24 * DAY, 'mirror', nginx, '1.26', 'nginx-1.26.0');
  put(24 * DAY + HOUR, 'mirror', nginx, 'latest', 'nginx-1.26.0');
  put(38 * DAY, 'mirror', nginx, '1.26', 'nginx-1.26.1');
  put(38 * DAY + HOUR, 'mirror', nginx, 'latest', 'nginx-1.26.1');

  const gateway = 'platform/api-gateway';
  for (let week = 0; week < 6; week++) {
    put(week * 7 * DAY + 2 * HOUR, 'ci-bot', gateway, 'main', `gateway-${week}`);
    put(week * 7 * DAY + 6 * HOUR, 'ci-bot', gateway, 'canary', `gateway-${week}`);
    put((week * 7 + 2) * DAY, 'dave', gateway, 'prod', `gateway-${week}`);
  }
  put(40 * DAY, 'dave', gateway, 'prod', 'gateway-4');
  return steps.sort((a, b) => a.at - b.at);
}

/** Writes the demo history through the ordinary commands, ending an hour before `end`. Returns the events written. */
export async function seedDemo(commandBus: CommandBus, clock: DemoClock, end: Date): Promise<number> {
  const steps = demoSteps();
  const start = end.getTime() - HOUR - steps[steps.length - 1]!.at;
  let written = 0;
  for (const [i, s] of steps.entries()) {
    // Steps at the same moment still get distinct, increasing times.
    clock.set(new Date(start + s.at + i));
    const data = { repository: s.repository, tag: s.tag };
    const result =
      s.op === 'put'
        ? await commandBus.execute(new TagWriteCommand({ type: 'PutTag', data: { ...data, target: target(s.image) } }, { actor: s.actor }))
        : s.op === 'delete'
          ? await commandBus.execute(new TagWriteCommand({ type: 'DeleteTag', data }, { actor: s.actor }))
          : await commandBus.execute(new RestoreTagCommand(s.repository, s.tag, { digest: demoDigest(s.image) }, undefined, { actor: s.actor }));
    written += result.events.length;
  }
  return written;
}

function target(image: string) {
  return { mediaType: MEDIA_TYPE, size: 1024 + (parseInt(demoDigest(image).slice(7, 11), 16) % 4096), digest: demoDigest(image) };
}
