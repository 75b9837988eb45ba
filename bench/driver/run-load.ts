import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { Measurement } from '../measurement';
import type { LoadSpec } from './load-spec';

type Answer = { ok: true; measurement: Measurement } | { ok: false; error: string };
type Message = Answer | { measuring: true };

/** Runs one load in a fresh driver process and returns what it measured; `onMeasuring` is called when the warm-up is over. */
export function runLoad(spec: LoadSpec, onMeasuring: () => void = () => undefined): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'driver-process.js'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer: Answer | undefined;
    child.on('message', (message: Message) => {
      if (!('measuring' in message)) answer = message;
      else {
        try {
          onMeasuring();
        } catch (error) {
          // e.g. the service is gone, so its CPU time cannot be read: fail this load, not the whole bench.
          child.kill();
          answer = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (answer?.ok) resolve(answer.measurement);
      else reject(new Error(`load driver failed (exit ${code}): ${answer && !answer.ok ? answer.error : 'no answer'}`));
    });
    child.send(spec);
  });
}
