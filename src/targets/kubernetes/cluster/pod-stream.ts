import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { UserError } from '../../../lib/index.js';
import { ToolMissingError } from './exec.js';

/**
 * Byte streams into the cluster, the way an operator reaches them: `kubectl exec` into a
 * workload and `kubectl port-forward` to a Service. kubectl (a prerequisite already) is used
 * rather than the client library's websocket streams because it negotiates whichever streaming
 * protocol the API server and kubelet speak, and it is what the runbook's readers know.
 */

export interface StreamTarget {
  kubectl: string;
  /** kubectl's --kubeconfig/--context of the connection. */
  kubectlArgs: string[];
  namespace: string;
}

export interface PodExecOptions {
  /** `deploy/<name>`, `statefulset/<name>` or `pod/<name>`. */
  workload: string;
  container: string;
  command: string[];
  /** Sent as stdin (the command must know when it has read it all: stdin may never end). */
  stdinFile?: string;
  /** Where stdout goes; without it stdout is returned. */
  stdoutFile?: string;
  timeoutMs: number;
}

export interface PodExecResult {
  stdout: string;
  stderr: string;
}

/** Runs a command in a workload's pod; a non-zero exit is an error with the command's stderr. */
export async function execInPod(t: StreamTarget, o: PodExecOptions): Promise<PodExecResult> {
  const args = [
    ...t.kubectlArgs,
    'exec',
    ...(o.stdinFile ? ['-i'] : []),
    '-n',
    t.namespace,
    o.workload,
    '-c',
    o.container,
    '--',
    ...o.command,
  ];
  const child = spawn(t.kubectl, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const failedToStart = once(child, 'error').then(([e]) => {
    const err = e as NodeJS.ErrnoException;
    throw new ToolMissingError(t.kubectl, err.code === 'ENOENT' ? 'not found' : err.message);
  });
  const err: Buffer[] = [];
  const out: Buffer[] = [];
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const sink = o.stdoutFile ? createWriteStream(o.stdoutFile, { mode: 0o600 }) : undefined;
  if (sink) child.stdout.pipe(sink);
  else child.stdout.on('data', (c: Buffer) => out.push(c));
  if (o.stdinFile) {
    // kubectl gone early (the command failed) closes stdin: that is reported by the exit code.
    child.stdin.on('error', () => undefined);
    createReadStream(o.stdinFile).pipe(child.stdin, { end: false });
  } else {
    child.stdin.end();
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.timeoutMs);
  try {
    const [code] = (await Promise.race([once(child, 'close'), failedToStart])) as [number | null];
    if (sink && !sink.closed) {
      sink.end();
      await once(sink, 'close');
    }
    const stderr = Buffer.concat(err).toString('utf8');
    if (code !== 0) {
      const why = timedOut ? `timed out after ${Math.round(o.timeoutMs / 1000)} s` : `exit ${code}`;
      throw new UserError(
        `\`kubectl exec -n ${t.namespace} ${o.workload} -c ${o.container} -- ${o.command.join(' ')}\` failed (${why}): ${stderr.trim().split('\n').slice(-5).join(' / ')}`,
        `check the pod: kubectl get pods -n ${t.namespace}; kubectl logs -n ${t.namespace} ${o.workload}`,
      );
    }
    return { stdout: Buffer.concat(out).toString('utf8'), stderr };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

export interface PortForward {
  /** The local port on 127.0.0.1. */
  port: number;
  close(): Promise<void>;
}

/**
 * `kubectl port-forward svc/<service> :<port>` on 127.0.0.1 until close(); resolves once kubectl
 * says where it listens.
 */
export async function portForward(
  t: StreamTarget,
  service: string,
  port: number,
  timeoutMs = 30_000,
): Promise<PortForward> {
  const args = [
    ...t.kubectlArgs,
    'port-forward',
    '-n',
    t.namespace,
    '--address',
    '127.0.0.1',
    `svc/${service}`,
    `:${port}`,
  ];
  const child = spawn(t.kubectl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const close = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'close');
  };
  try {
    const local = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer within ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      );
      const onData = (c: Buffer): void => {
        output += c.toString('utf8');
        const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new ToolMissingError(t.kubectl, e.code === 'ENOENT' ? 'not found' : e.message));
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        reject(new Error(`kubectl exited ${code}`));
      });
    });
    return { port: local, close };
  } catch (err) {
    await close().catch(() => undefined);
    if (err instanceof ToolMissingError) throw err;
    throw new UserError(
      `cannot port-forward to Service ${service}:${port} in namespace ${t.namespace}: ${(err as Error).message}${output.trim() ? ` (${output.trim().split('\n').slice(-3).join(' / ')})` : ''}`,
      `check the Service has a running pod: kubectl get endpoints -n ${t.namespace} ${service}`,
    );
  }
}
