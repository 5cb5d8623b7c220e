"""Ingest: TPC-H orders from Trino's `tpch` catalog into the Iceberg table iceberg.lakehouse.orders,
partitioned by `load_date`. Each run replaces its logical date's partition, so a rerun of the same
date leaves the same rows. `--conf '{"load_date": "2026-11-20"}'` (re)loads that date instead of the
logical date; `--conf '{"scale": "sf1"}'` copies the larger sample."""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.exceptions import AirflowException
from airflow.sdk import Asset, Param, dag, get_current_context, task

from lakehouse_common.ingest import ORDERS, TPCH_SCALES, count_partition_sql, load_statements
from lakehouse_common.runs import resolve_load_date

TRINO_CONN_ID = "trino_default"
ORDERS_ASSET = Asset(name=str(ORDERS))


@dag(
    dag_id="lakehouse_ingest",
    description="Load TPC-H orders into iceberg.lakehouse.orders, one load_date partition per run",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1)},
    params={
        "scale": Param("tiny", enum=list(TPCH_SCALES), description="tpch schema to copy from"),
        "load_date": Param(None, type=["null", "string"], format="date", description="date to load"),
    },
    tags=["lakehouse", "ingest"],
)
def lakehouse_ingest() -> None:
    @task(outlets=[ORDERS_ASSET])
    def load_orders() -> dict[str, object]:
        from airflow.providers.trino.hooks.trino import TrinoHook

        context = get_current_context()
        load_date = resolve_load_date(context["params"].get("load_date"), [], context.get("ds"))
        if load_date is None:
            raise AirflowException("no load_date: pass --conf '{\"load_date\": \"YYYY-MM-DD\"}'")
        statements = load_statements(load_date, scale=context["params"]["scale"])
        hook = TrinoHook(trino_conn_id=TRINO_CONN_ID)
        for sql in statements:
            hook.run(sql)
        count = hook.get_first(count_partition_sql(load_date))[0]
        # The data-quality DAG runs on this event and checks the same date.
        context["outlet_events"][ORDERS_ASSET].extra = {"load_date": load_date, "rows": count}
        print(f"loaded {count} rows into {ORDERS} load_date={load_date}")
        return {"load_date": load_date, "rows": count}

    load_orders()


lakehouse_ingest()
