import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RotatingLog } from '../../../src/targets/local/supervisor/rotating-log.js';
import { readLogTail } from '../../../src/targets/local/supervisor/index.js';

describe('process log files', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rotate by size and keep two old files', () => {
    dir = mkdtempSync(join(tmpdir(), 'lh-log-'));
    const path = join(dir, 'logs', 'trino.log');
    const log = new RotatingLog(path, 100, 2);
    for (let i = 0; i < 10; i++) log.write(`${String(i).repeat(49)}\n`); // 50 bytes each
    log.close();
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual([
      'trino.log',
      'trino.log.1',
      'trino.log.2',
    ]);
    expect(readFileSync(path, 'utf8')).toBe(`${'8'.repeat(49)}\n${'9'.repeat(49)}\n`);
    expect(readFileSync(`${path}.1`, 'utf8')).toContain('7'.repeat(49));
    expect(readFileSync(`${path}.2`, 'utf8')).toContain('5'.repeat(49));
  });

  it('append across reopen and count the existing size', () => {
    dir = mkdtempSync(join(tmpdir(), 'lh-log-'));
    const path = join(dir, 'a.log');
    const first = new RotatingLog(path, 100, 1);
    first.write('x'.repeat(80));
    first.close();
    const second = new RotatingLog(path, 100, 1);
    second.write('y'.repeat(30)); // 110 > 100: rotates first
    second.close();
    expect(readFileSync(path, 'utf8')).toBe('y'.repeat(30));
    expect(readFileSync(`${path}.1`, 'utf8')).toBe('x'.repeat(80));
  });

  it('tail returns the last lines, or nothing for a missing file', () => {
    dir = mkdtempSync(join(tmpdir(), 'lh-log-'));
    const path = join(dir, 'b.log');
    const log = new RotatingLog(path);
    for (let i = 1; i <= 30; i++) log.write(`line ${i}\n`);
    log.close();
    expect(readLogTail(path, 3)).toBe('line 28\nline 29\nline 30');
    expect(readLogTail(join(dir, 'missing.log'), 3)).toBe('');
  });
});
