import { afterEach, describe, expect, it } from 'vitest';
import {
  CATALOG_URL_ENV,
  catalogUrl,
  encodeName,
  parseNamespace,
} from '../../../src/cli/catalog-client.js';
import { describeFunction, signature } from '../../../src/cli/catalog-function.js';
import { UserError } from '../../../src/lib/index.js';

describe('catalog function CLI helpers', () => {
  const saved = process.env[CATALOG_URL_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[CATALOG_URL_ENV];
    else process.env[CATALOG_URL_ENV] = saved;
  });

  it('splits a definition-id into the signature people read, nested types kept whole', () => {
    expect(signature('')).toBe('()');
    expect(signature('int')).toBe('(int)');
    expect(signature('int,decimal(9,2)')).toBe('(int, decimal(9,2))');
    expect(signature('map<string,list<int>>,struct<a:int,b:map<int,long>>')).toBe(
      '(map<string,list<int>>, struct<a:int,b:map<int,long>>)',
    );
  });

  it('reads namespaces as level.level and refuses empty levels', () => {
    expect(parseNamespace('sales.eu')).toEqual(['sales', 'eu']);
    expect(() => parseNamespace('sales..eu')).toThrow(UserError);
    expect(() => parseNamespace('')).toThrow('invalid namespace "": an empty level');
  });

  it('refuses names fetch would resolve away, encodes the rest', () => {
    expect(encodeName('a/b c', 'function')).toBe('a%2Fb%20c');
    for (const bad of ['', '.', '..']) {
      expect(() => encodeName(bad, 'function')).toThrow(
        `invalid function name ${JSON.stringify(bad)}`,
      );
    }
  });

  it('takes the URL from the flag, then the environment; refuses what is not http(s)', () => {
    process.env[CATALOG_URL_ENV] = 'http://127.0.0.1:9999/';
    expect(catalogUrl(undefined)).toBe('http://127.0.0.1:9999');
    expect(catalogUrl('https://catalog.example:8443')).toBe('https://catalog.example:8443');
    expect(() => catalogUrl('ftp://x')).toThrow('invalid catalog URL ftp://x: not http or https');
    expect(() => catalogUrl('not a url')).toThrow('invalid catalog URL "not a url"');
  });

  it('describes each definition on one line', () => {
    expect(
      describeFunction('a.f', {
        'function-uuid': 'u',
        'format-version': 1,
        doc: 'adds',
        definitions: [
          {
            'definition-id': 'int',
            parameters: [{ name: 'x', type: 'int' }],
            'return-type': { type: 'struct', fields: [] },
            versions: [
              {
                'version-id': 1,
                representations: [{ type: 'sql', dialect: 'trino', sql: 'x' }],
                'timestamp-ms': 0,
              },
              {
                'version-id': 2,
                representations: [{ type: 'sql', dialect: 'spark', sql: 'x' }],
                'timestamp-ms': 1,
              },
            ],
            'current-version-id': 2,
            'function-type': 'udtf',
          },
        ],
        'definition-log': [],
      }),
    ).toEqual(['a.f — adds', '  (int) → struct  udtf  version 2 of 2  spark']);
  });
});
