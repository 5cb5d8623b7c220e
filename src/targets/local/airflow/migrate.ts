import { mkdir } from 'node:fs/promises';
import { run } from '../../../platform/install/index.js';
import { UserError } from '../../../lib/index.js';
import type { AirflowPaths } from './config.js';
import { hasPreviousFernetKeys } from '../secrets.js';

/**
 * Upserts `trino_default` into the metadata database, where the UI and the REST API see it (a
 * connection from an AIRFLOW_CONN_* variable would be invisible to both). The URI comes in the
 * environment, never on the command line, since a later issue may give Trino a password.
 */
const UPSERT_CONNECTION = `
import os
from airflow.models.connection import Connection
from airflow.utils.session import create_session
wanted = Connection(conn_id="trino_default", uri=os.environ["LAKEHOUSE_TRINO_CONN_URI"])
with create_session() as session:
    current = session.query(Connection).filter(Connection.conn_id == "trino_default").one_or_none()
    if current is None:
        session.add(wanted)
        print("created trino_default")
    elif current.get_uri() != wanted.get_uri():
        session.delete(current)
        session.flush()
        session.add(wanted)
        print("updated trino_default")
`;

/**
 * `airflow db migrate` (idempotent: a no-op on a current schema) and the `trino_default`
 * connection, before any Airflow process starts; returns what changed in one line.
 */
export async function prepareAirflowDatabase(opts: {
  python: string;
  airflow: string;
  env: Record<string, string>;
  paths: AirflowPaths;
  trinoConnUri: string;
}): Promise<string> {
  await mkdir(opts.paths.home, { recursive: true });
  await mkdir(opts.paths.logs, { recursive: true });
  /** Runs one step in Airflow's home; a failure names the step and quotes its output. */
  const step = async (
    what: string,
    command: string,
    args: string[],
    extraEnv: Record<string, string> = {},
  ): Promise<string> => {
    const result = await run(command, args, {
      env: { ...opts.env, ...extraEnv },
      cwd: opts.paths.home,
      timeoutMs: 600_000,
      tailLines: 20,
    });
    if (result.code !== 0) {
      throw new UserError(
        `${what} failed:\n${result.tail}`,
        `fix what the output says; the database is ${opts.paths.database}`,
      );
    }
    return result.tail;
  };
  await step('airflow db migrate', opts.airflow, ['db', 'migrate']);
  // Several fernet keys: a credential rotation is under way. Re-encrypt every connection,
  // variable and trigger with the newest, so the older keys can be dropped after this start.
  const reencrypt = hasPreviousFernetKeys(opts.env['AIRFLOW__CORE__FERNET_KEY'] ?? '');
  if (reencrypt) await step('airflow rotate-fernet-key', opts.airflow, ['rotate-fernet-key']);
  const tail = await step(
    'provisioning the trino_default connection',
    opts.python,
    ['-c', UPSERT_CONNECTION],
    { LAKEHOUSE_TRINO_CONN_URI: opts.trinoConnUri },
  );
  const changed = tail.split('\n').find((l) => /^(created|updated) trino_default$/.test(l));
  return [
    changed ?? 'database current, trino_default as configured',
    ...(reencrypt ? ['re-encrypted with the newest fernet key'] : []),
  ].join('; ');
}
