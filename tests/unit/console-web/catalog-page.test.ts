/**
 * The catalog browser's pure parts (console/web/src/catalog.ts): the URLs the page builds from
 * names a person gave, and how counts, bytes and times read.
 */
import { describe, expect, it } from 'vitest';
import {
  catalogApi,
  catalogPage,
  formatAge,
  formatBytes,
  formatCount,
  formatTimestamp,
  namespaceLevels,
} from '../../../console/web/src/catalog.js';

describe('URLs', () => {
  it('a multi-level namespace is one segment, its levels joined by %1F', () => {
    expect(catalogApi.table('default', ['a', 'b c'], 'orders')).toBe(
      '/api/catalog/default/namespaces/a%1Fb%20c/tables/orders',
    );
    expect(catalogPage('default', ['a', 'b'], 'views', 'v')).toBe('/catalog/default/a%1Fb/views/v');
  });

  it('names that look like paths stay inside their segment', () => {
    expect(catalogApi.view('default', ['a'], 'a/b?c#d')).toBe(
      '/api/catalog/default/namespaces/a/views/a%2Fb%3Fc%23d',
    );
    expect(catalogApi.table('w', ['x/y'], '%')).toBe('/api/catalog/w/namespaces/x%2Fy/tables/%25');
  });

  it('listings ask for pages of 100 and pass the catalog’s token back as given', () => {
    expect(catalogApi.namespaces('default', undefined)).toBe(
      '/api/catalog/default/namespaces?pageSize=100',
    );
    expect(catalogApi.namespaces('default', ['a', 'b'], 'djE6YQ==')).toBe(
      '/api/catalog/default/namespaces?parent=a%1Fb&pageToken=djE6YQ%3D%3D&pageSize=100',
    );
    expect(catalogApi.names('default', 'tables', ['a'], 'tok')).toBe(
      '/api/catalog/default/namespaces/a/tables?pageToken=tok&pageSize=100',
    );
  });

  it('the router’s decoded parameter back into levels', () => {
    expect(namespaceLevels('a\u001fb c')).toEqual(['a', 'b c']);
    expect(namespaceLevels(decodeURIComponent('a%1Fb'))).toEqual(['a', 'b']);
    expect(namespaceLevels(undefined)).toEqual([]);
  });
});

describe('formatting', () => {
  it('counts: grouped; unknown is a dash, not 0', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
    expect(formatCount(null)).toBe('—');
  });

  it('bytes in binary units', () => {
    expect(formatBytes(4096)).toBe('4 KiB');
    expect(formatBytes(123456789012)).toBe('115 GiB');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(null)).toBe('—');
  });

  it('times in UTC to the second', () => {
    expect(formatTimestamp(1_700_000_000_000)).toBe('2023-11-14 22:13:20 UTC');
  });

  it('ref retention in the largest whole unit', () => {
    expect(formatAge(86_400_000)).toBe('1 d');
    expect(formatAge(7_200_000)).toBe('2 h');
    expect(formatAge(90_000)).toBe('90 s');
    expect(formatAge(1500)).toBe('1500 ms');
  });
});
