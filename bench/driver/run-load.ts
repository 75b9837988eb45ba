import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { Measurement } from '../measurement';
import type { LoadSpec } from './load-spec';

type Answer = { ok: true; measurement: Measurement } | { ok: false; error: string };

/** Runs one load in a fresh driver process and returns what it measured. */
export function runLoad(spec: LoadSpec): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'driver-process.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: Answer | undefined;
    child.once('message', (message: Answer) => (answer = message));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (answer?.ok) resolve(answer.measurement);
      else reject(new Error(`load driver failed (exit ${code}): ${answer && !answer.ok ? answer.error : 'no answer'}`));
    });
    child.send(spec);
  });
}
