/**
 * What Linux's /proc says about listeners and processes: which socket listens on a port, which
 * process holds that socket, a process's state, session and command line. Parsing is pure (unit
 * tested on captured text); the readers return null or [] where /proc cannot be read.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP state 0A in /proc/net/tcp{,6}. */
const TCP_LISTEN = '0A';

export interface TcpListener {
  /** Local address as /proc writes it: 8 hex digits (IPv4) or 32 (IPv6), in host byte order. */
  address: string;
  port: number;
  inode: number;
}

/** The LISTEN sockets of one /proc/net/tcp or tcp6 table. */
export function parseProcNetTcp(text: string): TcpListener[] {
  const out: TcpListener[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    const local = fields[1];
    const state = fields[3];
    const inode = Number(fields[9]);
    if (!local || state !== TCP_LISTEN || !Number.isInteger(inode)) continue;
    const [address, portHex] = local.split(':');
    if (!address || !portHex) continue;
    out.push({ address, port: parseInt(portHex, 16), inode });
  }
  return out;
}

/** The stat line's fields after the command: state (3), pgrp (5), session (6). */
export interface ProcStat {
  state: string;
  pgrp: number;
  session: number;
}

/** Parses /proc/<pid>/stat; the command in parentheses may itself hold spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const rest = text.slice(close + 2).split(' ');
  const [state, , pgrp, session] = rest;
  if (!state || pgrp === undefined || session === undefined) return null;
  return { state, pgrp: Number(pgrp), session: Number(session) };
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export function procStat(pid: number): ProcStat | null {
  const text = read(`/proc/${pid}/stat`);
  return text === null ? null : parseProcStat(text);
}

/** The command line, arguments joined by spaces (null when the process is gone). */
export function procCommand(pid: number): string | null {
  const text = read(`/proc/${pid}/cmdline`);
  if (text === null) return null;
  return text.replace(/\0+$/, '').split('\0').join(' ');
}

/** Every LISTEN socket on this network namespace, IPv4 and IPv6. */
export function listeningSockets(): TcpListener[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => {
    const text = read(f);
    return text === null ? [] : parseProcNetTcp(text);
  });
}

/** Pids whose open files include one of the socket inodes (scans /proc/<pid>/fd). */
export function socketOwners(inodes: Set<number>): Map<number, number> {
  const owners = new Map<number, number>();
  if (inodes.size === 0) return owners;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return owners;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (!m) continue;
      const inode = Number(m[1]);
      if (inodes.has(inode) && !owners.has(inode)) owners.set(inode, Number(pid));
    }
  }
  return owners;
}

/** `MemAvailable` and `MemTotal` from /proc/meminfo, in bytes. */
export function parseMeminfo(text: string): { availableBytes: number; totalBytes: number } | null {
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  if (total === undefined || available === undefined) return null;
  return { availableBytes: available, totalBytes: total };
}

export function meminfo(): { availableBytes: number; totalBytes: number } | null {
  const text = read('/proc/meminfo');
  return text === null ? null : parseMeminfo(text);
}

/** `-Xmx<size>` of a command line, in bytes. */
export function xmxBytes(command: string): number | null {
  const m = /-Xmx(\d+)([kKmMgG]?)\b/.exec(command);
  if (!m) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const factor = unit === 'g' ? 1024 ** 3 : unit === 'm' ? 1024 ** 2 : unit === 'k' ? 1024 : 1;
  return Number(m[1]) * factor;
}
