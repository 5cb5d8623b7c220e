"""Data quality on iceberg.lakehouse.orders: rows present, no NULL keys, unique order keys.
Runs after every ingest (on its asset event) for the date just loaded, or on demand with
`--conf '{"load_date": "YYYY-MM-DD"}'`. A failed check fails the run, naming the check."""

from __future__ import annotations

from datetime import datetime

from airflow.exceptions import AirflowException
from airflow.sdk import Asset, Param, dag, get_current_context, task

from lakehouse_common.ingest import ORDERS
from lakehouse_common.quality import evaluate, failure_message, measure_sql
from lakehouse_common.runs import resolve_load_date

TRINO_CONN_ID = "trino_default"
ORDERS_ASSET = Asset(name=str(ORDERS))


@dag(
    dag_id="lakehouse_data_quality",
    description="Row count, NULL keys and key uniqueness of one load_date of iceberg.lakehouse.orders",
    schedule=[ORDERS_ASSET],
    start_date=datetime(2026, 1, 1),
    catchup=False,
    # A failed check is a finding, not a flake: retrying would only repeat it.
    default_args={"retries": 0},
    params={
        "load_date": Param(None, type=["null", "string"], format="date", description="date to check"),
        "min_rows": Param(1, type="integer", minimum=0),
    },
    tags=["lakehouse", "quality"],
)
def lakehouse_data_quality() -> None:
    @task
    def check_orders() -> dict[str, object]:
        from airflow.providers.trino.hooks.trino import TrinoHook

        context = get_current_context()
        events = context.get("triggering_asset_events") or {}
        extras = [dict(e.extra or {}) for evs in events.values() for e in evs]
        load_date = resolve_load_date(context["params"].get("load_date"), extras, context.get("ds"))
        hook = TrinoHook(trino_conn_id=TRINO_CONN_ID)
        if load_date is None:
            # A manual run with neither conf nor logical date: check the newest partition.
            newest = hook.get_first(f'SELECT max("load_date") FROM {ORDERS.sql()}')[0]
            if newest is None:
                raise AirflowException(f"check row_count failed: {ORDERS} has no rows")
            load_date = newest.isoformat()
        row = hook.get_first(measure_sql(load_date))
        results = evaluate(tuple(row), min_rows=int(context["params"]["min_rows"]))
        for r in results:
            print(f"{'PASS' if r.passed else 'FAIL'} {r.name}: {r.detail}")
        message = failure_message(results, str(ORDERS), load_date)
        if message:
            raise AirflowException(message)
        return {"load_date": load_date, "checks": [r.name for r in results]}

    check_orders()


lakehouse_data_quality()
