import { describe, expect, it } from 'vitest';
import {
  failureMessages,
  parseMeminfo,
  parseProcNetTcp,
  parseProcStat,
  redactUrl,
  xmxBytes,
} from '../../../../../src/targets/local/diagnose/index.js';
import { resolveRestartTarget } from '../../../../../src/targets/local/platform/index.js';
import { UserError } from '../../../../../src/lib/index.js';

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1FF5 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2735004 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1FF5 0100007F:D1C2 01 00000000:00000000 00:00000000 00000000     0        0 2735099 1 0000000000000000 20 4 30 10 -1
   2: 00000000:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 998 1 0000000000000000 100 0 0 10 0
`;

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
`;

describe('/proc parsing', () => {
  it('lists only LISTEN sockets of /proc/net/tcp with port and inode', () => {
    expect(parseProcNetTcp(TCP)).toEqual([
      { address: '0100007F', port: 8181, inode: 2735004 },
      { address: '00000000', port: 9000, inode: 998 },
    ]);
  });

  it('reads IPv6 tables the same way', () => {
    expect(parseProcNetTcp(TCP6)).toEqual([
      { address: '00000000000000000000000000000000', port: 8080, inode: 31337 },
    ]);
  });

  it('ignores empty and malformed text', () => {
    expect(parseProcNetTcp('')).toEqual([]);
    expect(parseProcNetTcp('header\ngarbage line\n')).toEqual([]);
  });

  it('parses /proc/<pid>/stat even with spaces and parentheses in the command', () => {
    expect(parseProcStat('4242 (java (main) x) T 1 4200 4100 0 -1 4194304')).toEqual({
      state: 'T',
      pgrp: 4200,
      session: 4100,
    });
    expect(parseProcStat('nonsense')).toBeNull();
  });

  it('reads MemAvailable and MemTotal from /proc/meminfo', () => {
    const text =
      'MemTotal:       24576000 kB\nMemFree:         1000 kB\nMemAvailable:   20480000 kB\n';
    expect(parseMeminfo(text)).toEqual({
      totalBytes: 24576000 * 1024,
      availableBytes: 20480000 * 1024,
    });
    expect(parseMeminfo('MemTotal: 1 kB\n')).toBeNull();
  });

  it('finds -Xmx in a JVM command line or jvm.config', () => {
    expect(xmxBytes('java -server -Xmx2G -XX:+UseG1GC')).toBe(2 * 1024 ** 3);
    expect(xmxBytes('-server\n-Xmx1536M\n')).toBe(1536 * 1024 ** 2);
    expect(xmxBytes('node server.js')).toBeNull();
  });

  it('hides the password of a database URL', () => {
    expect(redactUrl('postgres://lakehouse:s3cret@db:5432/catalog')).toBe(
      'postgres://lakehouse:***@db:5432/catalog',
    );
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/postgres')).toBe(
      'postgres://postgres@127.0.0.1:5432/postgres',
    );
    expect(redactUrl('sqlite')).toBe('sqlite');
  });
});

describe("Trino's failureInfo", () => {
  it('lists the messages of the cause chain and suppressed exceptions, outermost first', () => {
    expect(
      failureMessages({
        type: 'io.trino.spi.TrinoException',
        message: 'Failed to get status for file: s3://warehouse/x.json',
        suppressed: [{ type: 'java.lang.Exception', message: 'retry 1' }],
        cause: {
          type: 'software.amazon.awssdk.services.s3.model.S3Exception',
          message: 'Access Denied. (Service: S3, Status Code: 403)',
          cause: { type: 'java.io.IOException' },
        },
      }),
    ).toEqual([
      'io.trino.spi.TrinoException: Failed to get status for file: s3://warehouse/x.json',
      'java.lang.Exception: retry 1',
      'software.amazon.awssdk.services.s3.model.S3Exception: Access Denied. (Service: S3, Status Code: 403)',
    ]);
    expect(failureMessages(undefined)).toEqual([]);
  });
});

describe('resolveRestartTarget', () => {
  const live = [
    { name: 'minio', component: 'minio' as const },
    { name: 'iceberg-catalog', component: 'iceberg-catalog' as const },
    { name: 'trino-coordinator', component: 'trino' as const },
    { name: 'trino-worker-1', component: 'trino' as const },
  ];

  it('a component means all its processes', () => {
    expect(resolveRestartTarget('trino', live)).toEqual({
      component: 'trino',
      processes: ['trino-coordinator', 'trino-worker-1'],
    });
    expect(resolveRestartTarget('catalog', live)).toEqual({
      component: 'iceberg-catalog',
      processes: ['iceberg-catalog'],
    });
  });

  it('a process means itself', () => {
    expect(resolveRestartTarget('trino-worker-1', live)).toEqual({
      component: 'trino',
      processes: ['trino-worker-1'],
    });
  });

  it('an unknown name or a component without processes is a user error', () => {
    expect(() => resolveRestartTarget('nope', live)).toThrow(UserError);
    expect(() => resolveRestartTarget('airflow', live)).toThrow(/airflow has no process/);
  });
});
