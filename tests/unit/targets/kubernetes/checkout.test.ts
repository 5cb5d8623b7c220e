import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../../src/lib/index.js';
import { Checkout, checkCommitish } from '../../../../src/targets/kubernetes/gitops/index.js';

describe('checkCommitish', () => {
  it.each(['1a2b3c4', 'a'.repeat(40), 'HEAD~1', 'origin/main', 'v1.2.0', 'main@{1}'])(
    'accepts %s',
    (c) => expect(() => checkCommitish(c)).not.toThrow(),
  );

  it.each([
    '',
    '--exec=touch /tmp/pwned',
    '-n',
    '--upload-pack=evil',
    'HEAD rm -rf',
    'abc\ndef',
    'abc\u0000',
    'abc\u007f',
    'a'.repeat(257),
  ])('refuses %j with a UserError', (c) => {
    expect(() => checkCommitish(c)).toThrow(UserError);
    expect(() => checkCommitish(c)).toThrow(/is not a commit/);
  });
});

describe('Checkout.revertAndPush', () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkout-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]): string =>
    execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t.invalid', ...args], {
      encoding: 'utf8',
    });

  it('refuses an option or an unknown commit before git changes anything', async () => {
    git('init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'a'), 'one\n');
    git('add', 'a');
    git('commit', '-q', '-m', 'one');
    const head = git('rev-parse', 'HEAD').trim();
    const checkout = new Checkout(dir);
    await expect(checkout.revertAndPush('--abort')).rejects.toThrow(/is not a commit/);
    await expect(checkout.revertAndPush('0123456789abcdef')).rejects.toThrow(/is not a commit of/);
    expect(git('rev-parse', 'HEAD').trim()).toBe(head);
    expect(git('status', '--porcelain')).toBe('');
  });
});
