import { UserError } from '../../../lib/index.js';
import { execTool } from '../cluster/index.js';

/**
 * Refuses what cannot name a commit before it reaches git: an argument starting with "-" would be
 * read as an option, and whitespace or control characters are never part of a revision. Pure.
 */
export function checkCommitish(commit: string): void {
  if (
    commit === '' ||
    commit.length > 256 ||
    commit.startsWith('-') ||
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    /[\s\x00-\x1f\x7f]/.test(commit)
  ) {
    throw new UserError(
      `"${commit.slice(0, 80)}" is not a commit`,
      'give a commit hash (or a ref) that `git log` shows, e.g. `lakehouse rollback --git 1a2b3c4 --env dev`',
    );
  }
}

/**
 * The operator's git checkout of this repository: where `env/<env>/helm-values.yaml` is
 * committed and pushed so Argo CD deploys it. Every write is a commit pushed to the branch Argo
 * CD follows; nothing is force-pushed.
 */
export class Checkout {
  constructor(readonly dir: string) {}

  private async git(args: string[], timeoutMs = 120_000): Promise<string> {
    const r = await execTool('git', ['-C', this.dir, ...args], { timeoutMs });
    if (r.code !== 0) {
      throw new UserError(
        `git ${args[0] ?? ''} failed in ${this.dir}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`,
        'check the checkout (`git status`) and that you can push to its remote',
      );
    }
    return r.stdout;
  }

  async isRepository(): Promise<boolean> {
    const r = await execTool('git', ['-C', this.dir, 'rev-parse', '--git-dir'], {
      timeoutMs: 30_000,
    });
    return r.code === 0;
  }

  async head(): Promise<string> {
    return (await this.git(['rev-parse', 'HEAD'])).trim();
  }

  /** The file's text at a commit, or undefined when the commit or the file is not known here. */
  async fileAt(revision: string, path: string): Promise<string | undefined> {
    const r = await execTool('git', ['-C', this.dir, 'show', `${revision}:${path}`], {
      timeoutMs: 30_000,
    });
    return r.code === 0 ? r.stdout : undefined;
  }

  /** Whether the working copy's file differs from HEAD (uncommitted changes). */
  async isDirty(path: string): Promise<boolean> {
    const r = await execTool('git', ['-C', this.dir, 'status', '--porcelain', '--', path], {
      timeoutMs: 30_000,
    });
    return r.stdout.trim() !== '';
  }

  /** The commit a remote ref points at now (`git ls-remote`): what Argo CD will sync. */
  async remoteHead(repoURL: string, ref: string): Promise<string> {
    const out = await this.git(['ls-remote', repoURL, ref]);
    const sha = out
      .split('\n')
      .find((l) => /\srefs\/heads\//.test(l) || /\sHEAD$/.test(l))
      ?.split(/\s/)[0];
    if (sha && /^[0-9a-f]{40}$/.test(sha)) return sha;
    if (/^[0-9a-f]{40}$/.test(ref)) return ref;
    throw new UserError(
      `${repoURL} has no branch or tag "${ref}"`,
      'check argocd.repoURL and argocd.targetRevision in the environment’s values',
    );
  }

  /** Fetches the remote branch Argo CD follows, so its commits are readable here. */
  async fetch(): Promise<void> {
    await this.git(['fetch', '--quiet']);
  }

  /** Commits the paths and pushes the current branch; returns the new commit. */
  async commitAndPush(paths: string[], message: string): Promise<string> {
    await this.git(['add', '--', ...paths]);
    await this.git(['commit', '--quiet', '-m', message, '--', ...paths]);
    await this.git(['push', '--quiet']);
    return this.head();
  }

  /** `git revert` of one commit, pushed: the runbook's Git rollback. Returns the revert commit. */
  async revertAndPush(commit: string): Promise<string> {
    checkCommitish(commit);
    const r = await execTool(
      'git',
      ['-C', this.dir, 'rev-parse', '--verify', '--quiet', `${commit}^{commit}`],
      {
        timeoutMs: 30_000,
      },
    );
    if (r.code !== 0) {
      throw new UserError(
        `"${commit}" is not a commit of ${this.dir}`,
        '`git log --oneline` lists them; `git fetch` first if it was pushed from elsewhere',
      );
    }
    await this.git(['revert', '--no-edit', r.stdout.trim()]);
    await this.git(['push', '--quiet']);
    return this.head();
  }
}
