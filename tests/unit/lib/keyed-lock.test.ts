import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../../src/lib/index.js';

describe('KeyedLock', () => {
  it('runs work on the same key one at a time, in arrival order', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const job = (name: string, ms: number) =>
      lock.run(['t'], async () => {
        events.push(`start ${name}`);
        await sleep(ms);
        events.push(`end ${name}`);
      });
    await Promise.all([job('a', 20), job('b', 1), job('c', 1)]);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(lock.size).toBe(0);
  });

  it('lets work on different keys overlap', async () => {
    const lock = new KeyedLock();
    let running = 0;
    let peak = 0;
    const job = (key: string) =>
      lock.run([key], async () => {
        peak = Math.max(peak, ++running);
        await sleep(10);
        running--;
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(peak).toBe(3);
  });

  it('does not deadlock when multi-key work asks for keys in opposite orders', async () => {
    const lock = new KeyedLock();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        lock.run(i % 2 ? ['x', 'y'] : ['y', 'x'], async () => {
          await sleep(1);
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('releases the key when the work throws', async () => {
    const lock = new KeyedLock();
    await expect(lock.run(['k'], () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run(['k'], async () => 'next')).resolves.toBe('next');
    expect(lock.size).toBe(0);
  });
});
