import type { ProcessState } from '../../../../src/console/api.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'unknown';

/** A state in colour and in words: the colour never carries the meaning alone. */
export function Badge({ tone, text }: { tone: Tone; text: string }) {
  return (
    <span class={`badge badge-${tone}`} data-tone={tone}>
      <span class="dot" aria-hidden="true" />
      {text}
    </span>
  );
}

export function processHealth(state: ProcessState, healthy: boolean): { tone: Tone; text: string } {
  if (healthy) return { tone: 'ok', text: 'healthy' };
  switch (state) {
    case 'starting':
      return { tone: 'warn', text: 'starting' };
    case 'running':
      return { tone: 'bad', text: 'unhealthy' };
    case 'stopped':
      return { tone: 'bad', text: 'stopped' };
    case 'failed':
      return { tone: 'bad', text: 'failed' };
    default:
      return { tone: 'unknown', text: 'unknown' };
  }
}

export function severityTone(severity: string): Tone {
  if (severity === 'critical') return 'bad';
  if (severity === 'warning') return 'warn';
  return 'unknown';
}

/** An error in place of the part it stops from showing, worded for the person reading it. */
export function PartError({ label, message }: { label: string; message: string }) {
  return (
    <p class="part-error" role="alert">
      <strong>{label}</strong> {message}
    </p>
  );
}
