"""Iceberg table maintenance through Trino on every table of the `iceberg` catalog (or the ones in
`--conf '{"tables": ["lakehouse.orders"]}'`): optimize (compact small files), expire_snapshots and
remove_orphan_files with the environment's `retention:` settings. See lakehouse_common/maintenance.py
for where retention is read from, and the Trino catalog properties that must allow it."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.exceptions import AirflowException
from airflow.sdk import Param, Variable, dag, get_current_context, task

from lakehouse_common.maintenance import (
    DISCOVER_SQL,
    effective_snapshot_retention,
    expire_snapshots_sql,
    explain_trino_error,
    optimize_sql,
    remove_orphan_files_sql,
    resolve_retention,
    snapshot_ages_sql,
    trino_duration,
)
from lakehouse_common.naming import TableName

TRINO_CONN_ID = "trino_default"


def _run(sql: str | list[str]) -> None:
    """Runs the statements in order on one connection (a SET SESSION holds for what follows)."""
    from airflow.providers.trino.hooks.trino import TrinoHook

    try:
        TrinoHook(trino_conn_id=TRINO_CONN_ID).run(sql)
    except Exception as err:  # The Trino client raises several types; all carry the message.
        hint = explain_trino_error(str(err))
        if hint:
            raise AirflowException(f"{err}\n{hint}") from err
        raise


def _retention():
    # Read at run time, never at parse time: a Variable lookup while parsing hits the metadata DB.
    return resolve_retention(Variable.get("lakehouse_retention", default=None), os.environ)


@dag(
    dag_id="lakehouse_maintenance",
    description="optimize, expire_snapshots and remove_orphan_files on the platform's Iceberg tables",
    schedule="0 3 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    params={"tables": Param([], type="array", description="schema.table names; empty: all tables")},
    tags=["lakehouse", "maintenance"],
)
def lakehouse_maintenance() -> None:
    @task
    def discover_tables() -> list[str]:
        from airflow.providers.trino.hooks.trino import TrinoHook

        configured = get_current_context()["params"].get("tables") or []
        if configured:
            return [str(TableName.parse(name)) for name in configured]
        rows = TrinoHook(trino_conn_id=TRINO_CONN_ID).get_records(DISCOVER_SQL)
        return [str(TableName("iceberg", schema, table)) for schema, table in rows]

    @task
    def optimize(table: str) -> str:
        _run(optimize_sql(TableName.parse(table)))
        return table

    @task
    def expire_snapshots(table: str) -> str:
        from airflow.providers.trino.hooks.trino import TrinoHook

        name = TableName.parse(table)
        retention = _retention()
        ages = [float(r[0]) for r in TrinoHook(trino_conn_id=TRINO_CONN_ID).get_records(snapshot_ages_sql(name))]
        seconds = effective_snapshot_retention(
            retention.snapshots_seconds, ages, retention.min_snapshots_to_keep
        )
        print(f"{table}: {len(ages)} snapshots; expiring those older than {trino_duration(seconds)}")
        _run(expire_snapshots_sql(name, seconds))
        return table

    @task
    def remove_orphan_files(table: str) -> None:
        _run(remove_orphan_files_sql(TableName.parse(table), _retention().orphan_files_seconds))

    tables = discover_tables()
    remove_orphan_files.expand(table=expire_snapshots.expand(table=optimize.expand(table=tables)))


lakehouse_maintenance()
