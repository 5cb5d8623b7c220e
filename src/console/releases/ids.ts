/**
 * The ids the page sends for a run, checked before they go near Airflow. They are
 * encodeURIComponent-ed into Airflow's URLs as well; this keeps out what encoding does not:
 * an id of only dots, which a URL resolves as a path segment (`..` climbs a level).
 */

/** Airflow's dag_id: word characters (Python's `\w`), `-` and `.`, at most 250. */
const DAG_ID = /^[\p{L}\p{M}\p{N}_.-]{1,250}$/u;

/**
 * Airflow's run ids: its generated ones (`manual__2026-12-03T10:00:00+00:00`) and what its
 * default `allowed_run_id_pattern` lets a user choose; never `/` or a control character.
 */
const RUN_ID = /^[A-Za-z0-9_.~:+-]{1,250}$/;

const ONLY_DOTS = /^\.+$/;

export type IdCheck = { ok: true } | { ok: false; error: string };

export function checkRunIds(dagId: string, runId: string): IdCheck {
  if (!DAG_ID.test(dagId) || ONLY_DOTS.test(dagId)) {
    return {
      ok: false,
      error: 'a DAG id is letters, digits, "-", "_" and "." (at most 250), not only dots',
    };
  }
  if (!RUN_ID.test(runId) || ONLY_DOTS.test(runId)) {
    return {
      ok: false,
      error: 'a run id is letters, digits and "_.~:+-" (at most 250), not only dots',
    };
  }
  return { ok: true };
}
