import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Authenticator, loadAuthFile } from '../../../../src/catalog/http/auth.js';

const config = {
  tokens: ['static-token-0123456789'],
  clients: [{ id: 'trino', secret: 'trino-secret-0123456789' }],
  'token-lifetime-seconds': 60,
};

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function writeTemp(content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-'));
  tempDirs.push(dir);
  const path = join(dir, 'auth.yaml');
  writeFileSync(path, content);
  return path;
}

describe('Authenticator', () => {
  it('accepts static tokens and rejects others', () => {
    const auth = new Authenticator(config);
    expect(auth.verify('static-token-0123456789')).toBe(true);
    expect(auth.verify('static-token-012345678')).toBe(false);
  });

  it('issues tokens for known clients only, valid until they expire', () => {
    let now = 1_000_000;
    const auth = new Authenticator(config, () => now);
    expect(auth.issue('trino', 'wrong-secret-0123456789')).toBeUndefined();
    expect(auth.issue('spark', 'trino-secret-0123456789')).toBeUndefined();
    const token = auth.issue('trino', 'trino-secret-0123456789');
    expect(token).toBeDefined();
    expect(auth.verify(token as string)).toBe(true);
    now += 61_000;
    expect(auth.verify(token as string)).toBe(false);
  });

  it('rejects a token whose payload was altered', () => {
    const auth = new Authenticator(config);
    const token = auth.issue('trino', 'trino-secret-0123456789') as string;
    const [, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'trino', exp: 9_999_999_999 })).toString(
      'base64url',
    );
    expect(auth.verify(`${forged}.${signature}`)).toBe(false);
  });
});

describe('loadAuthFile', () => {
  it('reads YAML with tokens and clients', () => {
    const path = writeTemp(
      'tokens: [static-token-0123456789]\nclients:\n  - {id: a, secret: secret-0123456789abc}\n',
    );
    expect(loadAuthFile(path)).toEqual({
      tokens: ['static-token-0123456789'],
      clients: [{ id: 'a', secret: 'secret-0123456789abc' }],
      'token-lifetime-seconds': 3600,
    });
  });

  it('names the key and the rule when the file is wrong', () => {
    expect(() => loadAuthFile(writeTemp('tokens: [short]\n'))).toThrow(
      /tokens\.0: a static token must be at least 16 characters/,
    );
    expect(() => loadAuthFile(writeTemp('tokenz: []\n'))).toThrow(/invalid --auth-tokens file/);
    expect(() => loadAuthFile(writeTemp('tokens: []\n'))).toThrow(
      /defines no tokens and no clients/,
    );
    expect(() => loadAuthFile('/nonexistent/auth.yaml')).toThrow(/cannot read --auth-tokens file/);
  });
});
