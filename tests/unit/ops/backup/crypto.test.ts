import { describe, expect, it } from 'vitest';
import { DecryptError, decryptSecret, encryptSecret } from '../../../../src/ops/backup/index.js';

const secret = Buffer.from(JSON.stringify({ minio: { rootPassword: 'very-secret-value-123' } }));

describe('secret encryption (AES-256-GCM, scrypt key)', () => {
  it('round-trips, and the envelope holds no plain text', () => {
    const envelope = encryptSecret(secret, 'correct horse battery staple');
    expect(envelope.toString('utf8')).not.toContain('very-secret-value-123');
    const parsed = JSON.parse(envelope.toString('utf8')) as Record<string, unknown>;
    expect(parsed['cipher']).toBe('aes-256-gcm');
    expect(decryptSecret(envelope, 'correct horse battery staple')).toEqual(secret);
  });

  it('uses a fresh salt and IV each time', () => {
    const a = encryptSecret(secret, 'p');
    const b = encryptSecret(secret, 'p');
    expect(a.equals(b)).toBe(false);
  });

  it('a wrong passphrase fails with DecryptError, never garbage', () => {
    const envelope = encryptSecret(secret, 'right');
    expect(() => decryptSecret(envelope, 'wrong')).toThrow(DecryptError);
    expect(() => decryptSecret(envelope, 'wrong')).toThrow(/wrong passphrase/);
  });

  it('an altered ciphertext fails, as does something that is not an envelope', () => {
    const parsed = JSON.parse(encryptSecret(secret, 'p').toString('utf8')) as {
      ciphertext: string;
    };
    const bytes = Buffer.from(parsed.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const altered = Buffer.from(
      JSON.stringify({ ...parsed, ciphertext: bytes.toString('base64') }),
    );
    expect(() => decryptSecret(altered, 'p')).toThrow(DecryptError);
    expect(() => decryptSecret(Buffer.from('{"a":1}'), 'p')).toThrow(/not an encrypted/);
    expect(() => decryptSecret(Buffer.from('plain'), 'p')).toThrow(/not JSON/);
  });

  it('refuses an empty passphrase', () => {
    expect(() => encryptSecret(secret, '')).toThrow(/empty/);
  });
});
