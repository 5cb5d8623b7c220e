/**
 * Progress an operator can trust: a live line while a step runs (on a terminal), then one
 * permanent line that says what happened: ✔ done, ℹ left as is, ⚠ needs attention, ✗ failed.
 */
import type { Progress } from '../lib/index.js';

export type { Progress, Step } from '../lib/index.js';

function elapsed(startMs: number): string {
  const s = (Date.now() - startMs) / 1000;
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stderr,
  quiet = false,
): Progress {
  const live = stream.isTTY === true && !quiet;
  const write = (text: string) => {
    if (!quiet) stream.write(text);
  };
  return {
    line: (text) => write(`${text}\n`),
    step(label) {
      const start = Date.now();
      const show = (detail?: string) => {
        if (live) stream.write(`\r\x1b[2K… ${label}${detail ? ` — ${detail}` : ''}`);
      };
      const finish = (mark: string, message: string | undefined) => {
        if (live) stream.write('\r\x1b[2K');
        write(`${mark} ${label}${message ? `: ${message}` : ''} (${elapsed(start)})\n`);
      };
      show();
      return {
        update: (detail) => {
          if (live) show(detail);
          else write(`  ${label}: ${detail}\n`);
        },
        done: (message) => finish('✔', message),
        info: (message) => finish('ℹ', message),
        warn: (message) => finish('⚠', message),
        fail: (message) => finish('✗', message),
      };
    },
  };
}
