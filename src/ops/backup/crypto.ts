import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';

/**
 * Encryption of a backup's secrets: AES-256-GCM with a key derived by scrypt from a passphrase
 * the user supplies. The envelope is JSON holding everything needed to decrypt except the
 * passphrase; GCM's tag makes a wrong passphrase or an altered file fail instead of decrypting to
 * garbage.
 */

const SCRYPT = { N: 1 << 15, r: 8, p: 1 } as const;
// scrypt needs 128 * N * r bytes; Node's default limit (32 MiB) is exactly that, so allow more.
const SCRYPT_MAXMEM = 64 * 1024 * 1024;

const envelopeSchema = z.object({
  format: z.literal('lakehouse-encrypted'),
  version: z.literal(1),
  cipher: z.literal('aes-256-gcm'),
  kdf: z.object({
    name: z.literal('scrypt'),
    N: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
    salt: z.string(),
  }),
  iv: z.string(),
  tag: z.string(),
  ciphertext: z.string(),
});

export class DecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

function deriveKey(passphrase: string, salt: Buffer, kdf: { N: number; r: number; p: number }) {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, { ...kdf, maxmem: SCRYPT_MAXMEM });
}

/** Encrypts `plaintext` under `passphrase`; returns the envelope's bytes (JSON). */
export function encryptSecret(plaintext: Buffer, passphrase: string): Buffer {
  if (passphrase.length === 0) throw new Error('the passphrase is empty');
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const key = deriveKey(passphrase, salt, SCRYPT);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const envelope: z.infer<typeof envelopeSchema> = {
    format: 'lakehouse-encrypted',
    version: 1,
    cipher: 'aes-256-gcm',
    kdf: { name: 'scrypt', ...SCRYPT, salt: salt.toString('base64') },
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
  return Buffer.from(`${JSON.stringify(envelope, null, 2)}\n`);
}

/** Decrypts an envelope; a wrong passphrase or an altered envelope throws `DecryptError`. */
export function decryptSecret(envelopeBytes: Buffer, passphrase: string): Buffer {
  let data: unknown;
  try {
    data = JSON.parse(envelopeBytes.toString('utf8'));
  } catch {
    throw new DecryptError('not an encrypted lakehouse secret (not JSON)');
  }
  const parsed = envelopeSchema.safeParse(data);
  if (!parsed.success) throw new DecryptError('not an encrypted lakehouse secret');
  const env = parsed.data;
  const { N, r, p } = env.kdf;
  if (N > 1 << 20 || r > 32 || p > 16) throw new DecryptError('scrypt parameters out of range');
  const key = deriveKey(passphrase, Buffer.from(env.kdf.salt, 'base64'), { N, r, p });
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(env.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(env.tag, 'base64'));
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(env.ciphertext, 'base64')),
      decipher.final(),
    ]);
  } catch {
    throw new DecryptError('wrong passphrase, or the encrypted file was altered');
  }
}
