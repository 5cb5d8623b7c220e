import { describe, expect, it } from 'vitest';
import { DiagnoseLoop, type DiagnoseFinding } from '../../../src/console/overview/index.js';

const finding: DiagnoseFinding = {
  severity: 'warning',
  component: 'trino',
  title: 't',
  evidence: [],
  fix: 'f',
};
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('DiagnoseLoop', () => {
  it('null until the first run finishes, then its findings', async () => {
    let release: () => void = () => {};
    const loop = new DiagnoseLoop(
      () => new Promise<DiagnoseFinding[]>((r) => (release = () => r([finding]))),
      60_000,
    );
    loop.start();
    expect(loop.latest()).toBeNull();
    release();
    await tick();
    expect(loop.latest()).toEqual({ ok: true, value: [finding] });
    await loop.stop();
  });

  it('a failed run is an error result, and the next run replaces it', async () => {
    let calls = 0;
    const loop = new DiagnoseLoop(async () => {
      calls++;
      if (calls === 1) throw new Error('supervisor socket vanished');
      return [];
    }, 10);
    loop.start();
    await tick(2);
    expect(loop.latest()).toEqual({
      ok: false,
      error: 'diagnose failed: supervisor socket vanished',
    });
    await tick(40);
    expect(loop.latest()).toEqual({ ok: true, value: [] });
    await loop.stop();
  });

  it('never runs two at once, and stops after stop()', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const loop = new DiagnoseLoop(async () => {
      calls++;
      running++;
      most = Math.max(most, running);
      await tick(15);
      running--;
      return [];
    }, 1);
    loop.start();
    await tick(80);
    await loop.stop();
    const after = calls;
    await tick(40);
    expect(most).toBe(1);
    expect(calls).toBe(after);
    expect(calls).toBeGreaterThan(1);
  });
});
