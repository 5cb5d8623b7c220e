import { Option, type Command } from 'commander';

/** `--env` and `-f/--values`: which environment's values a command reads. */
export interface EnvFlags {
  env: string;
  values: string[];
  /** Kubernetes environments: the kubeconfig (default $KUBECONFIG) and its context. */
  kubeconfig?: string;
  kubeContext?: string;
}

/** Commander's accumulator for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Adds `--env <name>` and the repeatable `-f, --values <file>` (merged like `helm -f`). */
export function withEnvOptions(command: Command): Command {
  return command
    .option('--env <name>', 'environment: env/<name>/helm-values.yaml', 'local')
    .option(
      '-f, --values <file>',
      'extra values file merged on top (repeatable, like helm -f)',
      collect,
      [],
    )
    .option('--kubeconfig <file>', 'Kubernetes environments: the kubeconfig (default $KUBECONFIG)')
    .option('--kube-context <name>', 'Kubernetes environments: the kubeconfig context to use');
}

/** `-o, --output <format>` limited to `choices`. */
export const outputOption = (choices: string[], fallback: string): Option =>
  new Option('-o, --output <format>', 'output format').choices(choices).default(fallback);
