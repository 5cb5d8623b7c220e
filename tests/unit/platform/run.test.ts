import { describe, expect, it } from 'vitest';
import { run, runsOk, SpawnError } from '../../../src/platform/install/index.js';
import { execTool, ToolMissingError } from '../../../src/targets/kubernetes/cluster/index.js';

const node = process.execPath;

describe('run', () => {
  it('keeps only the last lines of stdout and stderr, interleaved', async () => {
    const r = await run(
      node,
      ['-e', 'for (let i = 1; i <= 100; i++) console.log(i); console.error("oops")'],
      { tailLines: 3 },
    );
    expect(r).toEqual({ code: 0, signal: null, tail: '99\n100\noops' });
  });

  it('blank lines at the end do not take up the tail', async () => {
    const r = await run(
      node,
      ['-e', 'for (let i = 1; i <= 100; i++) console.log(i); console.log("\\n")'],
      { tailLines: 2 },
    );
    expect(r.tail).toBe('99\n100');
  });

  it('passes output on as it arrives', async () => {
    const seen: string[] = [];
    await run(node, ['-e', 'console.log("live")'], { onOutput: (t) => seen.push(t) });
    expect(seen.join('')).toBe('live\n');
  });

  it('with keepOutput, also stdout and stderr whole and apart', async () => {
    const r = await run(node, ['-e', 'console.log("a\\nb"); console.error("e")'], {
      keepOutput: true,
    });
    expect(r.stdout).toBe('a\nb\n');
    expect(r.stderr).toBe('e\n');
  });

  it('writes input to stdin; without it stdin is empty', async () => {
    const echo = ['-e', 'process.stdin.pipe(process.stdout)'];
    expect((await run(node, echo, { input: 'manifest', keepOutput: true })).stdout).toBe(
      'manifest',
    );
    expect((await run(node, echo, { keepOutput: true })).stdout).toBe('');
  });

  it('a command that ignores its input is not an error', async () => {
    const r = await run(node, ['-e', ''], { input: 'x'.repeat(1 << 20) });
    expect(r.code).toBe(0);
  });

  it('a timeout kills the command: code null, SIGKILL', async () => {
    const r = await run(node, ['-e', 'setTimeout(() => {}, 60_000)'], { timeoutMs: 200 });
    expect(r).toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('a command that cannot start is a SpawnError with the reason', async () => {
    const err = await run('lakehouse-no-such-tool', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SpawnError);
    expect(err).toMatchObject({
      code: 'ENOENT',
      message: 'could not run lakehouse-no-such-tool: spawn lakehouse-no-such-tool ENOENT',
    });
    expect(await runsOk('lakehouse-no-such-tool', [])).toBe(false);
  });
});

describe('execTool', () => {
  it('returns code, stdout and stderr', async () => {
    const r = await execTool(node, [
      '-e',
      'console.log("{}"); console.error("w"); process.exit(3)',
    ]);
    expect(r).toEqual({ code: 3, stdout: '{}\n', stderr: 'w\n' });
  });

  it('a missing binary is a ToolMissingError (a SpawnError) saying "not found"', async () => {
    const err = await execTool('lakehouse-no-such-tool', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolMissingError);
    expect(err).toBeInstanceOf(SpawnError);
    expect((err as Error).message).toBe('could not run lakehouse-no-such-tool: not found');
  });
});
