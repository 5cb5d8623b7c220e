"""Iceberg table maintenance through Trino: settings from the environment's `retention:` config,
table discovery, and the `ALTER TABLE ... EXECUTE` statements.

Retention comes, key by key, from (first found wins):
  1. the Airflow Variable `lakehouse_retention`, JSON like
     `{"snapshots": "7d", "minSnapshotsToKeep": 1, "orphanFiles": "3d"}` (Airflow also reads it from
     the environment variable `AIRFLOW_VAR_LAKEHOUSE_RETENTION`);
  2. the environment variables `LAKEHOUSE_RETENTION_SNAPSHOTS`,
     `LAKEHOUSE_RETENTION_MIN_SNAPSHOTS_TO_KEEP`, `LAKEHOUSE_RETENTION_ORPHAN_FILES`;
  3. the config schema's defaults: 7d, 1, 3d.
Durations use the config's syntax (`30m`, `12h`, `7d`, `2w`, `1d12h`); Trino only knows single-unit
durations up to days, so they are converted to seconds or whole days here. Trino's own minimum
retention (7d unless the catalog sets another) is lowered per session to the configured value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from lakehouse_common.naming import TableName, identifier, string_literal

DEFAULTS = {"snapshots": "7d", "minSnapshotsToKeep": 1, "orphanFiles": "3d"}
ENV_KEYS = {
    "snapshots": "LAKEHOUSE_RETENTION_SNAPSHOTS",
    "minSnapshotsToKeep": "LAKEHOUSE_RETENTION_MIN_SNAPSHOTS_TO_KEEP",
    "orphanFiles": "LAKEHOUSE_RETENTION_ORPHAN_FILES",
}

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400, "y": 365 * 86400}
_DURATION = re.compile(r"^(\d+(ms|s|m|h|d|w|y))+$")
_PART = re.compile(r"(\d+)(ms|s|m|h|d|w|y)")


def duration_seconds(text: str) -> float:
    """Seconds in a Prometheus-style duration as the config schema accepts it."""
    if not _DURATION.match(text):
        raise ValueError(f"not a duration: {text!r} (like 30s, 15m, 12h, 7d, 2w)")
    return sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(text))


def trino_duration(seconds: float) -> str:
    """A duration Trino parses: whole days when exact, otherwise seconds."""
    if seconds >= 86400 and seconds % 86400 == 0:
        return f"{int(seconds // 86400)}d"
    if seconds == int(seconds):
        return f"{int(seconds)}s"
    return f"{seconds:.3f}s"


@dataclass(frozen=True)
class Retention:
    snapshots_seconds: float
    min_snapshots_to_keep: int
    orphan_files_seconds: float


def resolve_retention(variable: str | None, env: Mapping[str, str]) -> Retention:
    """Merges the Variable's JSON, the environment and the defaults, key by key; validates each."""
    from_variable: dict[str, object] = {}
    if variable:
        try:
            parsed = json.loads(variable)
        except json.JSONDecodeError as err:
            raise ValueError(f"Variable lakehouse_retention is not JSON: {err}") from err
        if not isinstance(parsed, dict):
            raise ValueError("Variable lakehouse_retention must be a JSON object")
        # The Variable carries the whole `retention:` section (e.g. `backups` too); the config
        # schema validated it, so keys this DAG does not use are ignored, not refused.
        from_variable = parsed

    def pick(key: str) -> object:
        if key in from_variable:
            return from_variable[key]
        if env.get(ENV_KEYS[key]):
            return env[ENV_KEYS[key]]
        return DEFAULTS[key]

    keep_raw = pick("minSnapshotsToKeep")
    try:
        keep = int(str(keep_raw))
    except ValueError as err:
        raise ValueError(f"minSnapshotsToKeep must be a whole number, got {keep_raw!r}") from err
    if keep < 1:
        raise ValueError(f"minSnapshotsToKeep must be 1 or more, got {keep}")
    return Retention(
        snapshots_seconds=duration_seconds(str(pick("snapshots"))),
        min_snapshots_to_keep=keep,
        orphan_files_seconds=duration_seconds(str(pick("orphanFiles"))),
    )


def effective_snapshot_retention(
    retention_seconds: float, snapshot_ages_seconds: list[float], min_to_keep: int
) -> float:
    """Trino's expire_snapshots takes only an age; to also keep the newest `min_to_keep` snapshots
    whatever their age, the threshold is raised to just past the age of the last one to keep."""
    ages = sorted(snapshot_ages_seconds)
    if len(ages) < min_to_keep:
        return max(retention_seconds, ages[-1] + 1 if ages else retention_seconds)
    # Rounded up to the second so that snapshot itself is younger than the threshold.
    return max(retention_seconds, float(int(ages[min_to_keep - 1]) + 1))


# Trino lists its own metadata schemas as base tables too (`system.iceberg_tables`); skip them.
DISCOVER_SQL = (
    "SELECT table_schema, table_name FROM \"iceberg\".\"information_schema\".\"tables\"\n"
    "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('information_schema', 'system')\n"
    "ORDER BY table_schema, table_name"
)


def snapshot_ages_sql(table: TableName) -> str:
    """Age in seconds of every snapshot, measured by Trino's clock (the one expire_snapshots uses)."""
    # The metadata table's name is `<table>$snapshots`; parts were validated by TableName.
    quoted = f'"{table.catalog}"."{table.schema}"."{table.table}$snapshots"'
    return (
        "SELECT to_milliseconds(current_timestamp - committed_at) / 1000.0 "
        f"FROM {quoted} ORDER BY committed_at DESC"
    )


def optimize_sql(table: TableName) -> str:
    return f"ALTER TABLE {table.sql()} EXECUTE optimize"


def _session_min_retention(table: TableName, procedure: str, threshold: str) -> str:
    # Trino's `<procedure>_min_retention` (7d by default) guards against a typo'd short retention;
    # the environment's `retention:` is the operator's deliberate policy, so this session allows
    # exactly it, no less. Must run on the same connection as the ALTER TABLE that follows.
    return f"SET SESSION {identifier(table.catalog)}.{procedure}_min_retention = {threshold}"


def expire_snapshots_sql(table: TableName, retention_seconds: float) -> list[str]:
    threshold = string_literal(trino_duration(retention_seconds))
    return [
        _session_min_retention(table, "expire_snapshots", threshold),
        f"ALTER TABLE {table.sql()} EXECUTE expire_snapshots(retention_threshold => {threshold})",
    ]


def remove_orphan_files_sql(table: TableName, retention_seconds: float) -> list[str]:
    threshold = string_literal(trino_duration(retention_seconds))
    return [
        _session_min_retention(table, "remove_orphan_files", threshold),
        f"ALTER TABLE {table.sql()} EXECUTE remove_orphan_files(retention_threshold => {threshold})",
    ]


MIN_RETENTION_HINT = (
    "Trino refused the retention as shorter than its minimum: the session property set before "
    "the statement should allow it; check the iceberg catalog's "
    "iceberg.expire-snapshots.min-retention / iceberg.remove-orphan-files.min-retention and the "
    "environment's retention.snapshots / retention.orphanFiles"
)


def explain_trino_error(message: str) -> str | None:
    """A fix for Trino errors the maintenance DAG is known to hit, or None."""
    if "shorter than the minimum retention" in message:
        return MIN_RETENTION_HINT
    return None
