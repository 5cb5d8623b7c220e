import { describe, expect, it } from 'vitest';
import {
  backupName,
  parseBackupName,
  selectExpiredBackups,
} from '../../../../src/ops/backup/index.js';

const DAY = 86_400;

describe('backup retention', () => {
  it('names backups by UTC time without colons, and parses the names back', () => {
    const at = new Date('2026-11-23T23:40:05.123Z');
    expect(backupName(at)).toBe('2026-11-23T23-40-05Z');
    expect(parseBackupName('2026-11-23T23-40-05Z')?.toISOString()).toBe('2026-11-23T23:40:05.000Z');
    expect(parseBackupName('my-backup')).toBeUndefined();
    expect(parseBackupName('2026-13-45T99-99-99Z')).toBeUndefined();
  });

  it('selects backups older than the retention, never the newest, never other names', () => {
    const now = new Date('2026-11-30T00:00:00Z');
    const names = [
      '2026-10-01T00-00-00Z', // 60 days
      '2026-10-31T00-00-00Z', // 30 days: not older than 30d
      '2026-10-30T23-59-59Z', // just older
      '2026-11-29T00-00-00Z',
      'keep-me',
      'notes.txt',
    ];
    expect(selectExpiredBackups(names, now, 30 * DAY)).toEqual([
      '2026-10-01T00-00-00Z',
      '2026-10-30T23-59-59Z',
    ]);
  });

  it('keeps the newest backup even when every backup is expired', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    expect(
      selectExpiredBackups(['2026-01-01T00-00-00Z', '2026-02-01T00-00-00Z'], now, 30 * DAY),
    ).toEqual(['2026-01-01T00-00-00Z']);
    expect(selectExpiredBackups([], now, DAY)).toEqual([]);
  });
});
