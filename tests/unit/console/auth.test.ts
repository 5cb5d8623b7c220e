import { describe, expect, it } from 'vitest';
import {
  cookieValue,
  hostName,
  sessionValue,
  withoutToken,
} from '../../../src/console/server/index.js';

describe('the console token helpers', () => {
  it('removes only the token from a URL', () => {
    expect(withoutToken('/?token=abc')).toBe('/');
    expect(withoutToken('/metrics?token=abc&range=1h')).toBe('/metrics?range=1h');
    expect(withoutToken('/metrics?range=1h')).toBe('/metrics?range=1h');
  });

  it('reads one cookie among others', () => {
    expect(cookieValue('a=1; lakehouse_console=xyz; b=2', 'lakehouse_console')).toBe('xyz');
    expect(cookieValue('lakehouse_console_other=1', 'lakehouse_console')).toBeUndefined();
    expect(cookieValue(undefined, 'lakehouse_console')).toBeUndefined();
  });

  it('the session value is derived from the token, not the token', () => {
    const token = 'a'.repeat(43);
    expect(sessionValue(token)).not.toContain(token);
    expect(sessionValue(token)).toBe(sessionValue(token));
    expect(sessionValue(token)).not.toBe(sessionValue('b'.repeat(43)));
  });

  it.each([
    ['127.0.0.1:3000', '127.0.0.1'],
    ['localhost', 'localhost'],
    ['LOCALHOST:3000', 'localhost'],
    ['[::1]:3000', '[::1]'],
    ['evil.example:3000', 'evil.example'],
    ['', ''],
  ])('host name of %j is %j', (header, name) => {
    expect(hostName(header)).toBe(name);
  });
});
