import { describe, expect, it } from 'vitest';
import {
  airflowTone,
  releaseTone,
  runApiPath,
  runEnded,
  runPagePath,
  shortTime,
  taskLabel,
} from '../../../console/web/src/pipelines.js';

describe('the pipelines view model', () => {
  it('gives every Airflow state a tone (the word is shown beside it)', () => {
    expect(airflowTone('success')).toBe('ok');
    expect(airflowTone('failed')).toBe('bad');
    expect(airflowTone('upstream_failed')).toBe('bad');
    expect(airflowTone('running')).toBe('warn');
    expect(airflowTone('queued')).toBe('warn');
    expect(airflowTone('up_for_retry')).toBe('warn');
    expect(airflowTone('skipped')).toBe('unknown');
    expect(airflowTone(null)).toBe('unknown');
  });

  it('gives every release status a tone', () => {
    expect(releaseTone('deployed')).toBe('ok');
    expect(releaseTone('failed')).toBe('bad');
    expect(releaseTone('pending')).toBe('warn');
    expect(releaseTone('superseded')).toBe('unknown');
    expect(releaseTone('rolled-back')).toBe('unknown');
  });

  it('encodes a generated run id into the page and API paths', () => {
    const runId = 'manual__2026-12-03T10:00:00+00:00';
    expect(runPagePath('my.dag', runId)).toBe(
      '/releases/runs/my.dag/manual__2026-12-03T10%3A00%3A00%2B00%3A00',
    );
    expect(runApiPath('my.dag', runId)).toBe(
      '/api/pipelines/my.dag/runs/manual__2026-12-03T10%3A00%3A00%2B00%3A00',
    );
    // A hostile id stays one path segment; the server refuses it.
    expect(runApiPath('a/b', '../x')).toBe('/api/pipelines/a%2Fb/runs/..%2Fx');
  });

  it('formats times and mapped tasks like the CLI', () => {
    expect(shortTime('2026-12-03T10:00:05.123456+00:00')).toBe('2026-12-03 10:00:05');
    expect(shortTime(null)).toBe('—');
    expect(taskLabel({ taskId: 'load', mapIndex: -1 })).toBe('load');
    expect(taskLabel({ taskId: 'load', mapIndex: 2 })).toBe('load[2]');
  });

  it('a run has ended when it succeeded or failed, not while queued or running', () => {
    expect(runEnded('success')).toBe(true);
    expect(runEnded('failed')).toBe(true);
    expect(runEnded('running')).toBe(false);
    expect(runEnded('queued')).toBe(false);
  });
});
