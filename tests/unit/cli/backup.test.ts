import { describe, expect, it } from 'vitest';
import { passphraseFrom } from '../../../src/cli/backup.js';

describe('--passphrase-env', () => {
  it('reads the passphrase from the named variable, never from the flag itself', () => {
    expect(passphraseFrom('MY_PASS', { MY_PASS: 's3cret phrase' })).toBe('s3cret phrase');
    expect(passphraseFrom(undefined, { MY_PASS: 'x' })).toBeUndefined();
  });

  it('an unset or empty variable is an error that names it', () => {
    expect(() => passphraseFrom('MY_PASS', {})).toThrow(
      /MY_PASS, but that environment variable is not set/,
    );
    expect(() => passphraseFrom('MY_PASS', { MY_PASS: '' })).toThrow(/is empty/);
  });
});
