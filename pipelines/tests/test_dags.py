"""Every DAG in pipelines/dags imports under Airflow's own DagBag, with the expected shape."""

from __future__ import annotations

import pytest

from conftest import DAGS_DIR

EXPECTED = {
    "lakehouse_ingest": {"tasks": {"load_orders"}, "schedule": "@daily", "retries": 2},
    "lakehouse_data_quality": {"tasks": {"check_orders"}, "schedule": None, "retries": 0},
    "lakehouse_maintenance": {
        "tasks": {"discover_tables", "optimize", "expire_snapshots", "remove_orphan_files"},
        "schedule": "0 3 * * *",
        "retries": 1,
    },
}


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    # Airflow 3.3 dropped include_examples; examples stay out via AIRFLOW__CORE__LOAD_EXAMPLES.
    return DagBag(dag_folder=str(DAGS_DIR), bundle_path=DAGS_DIR)


def test_no_import_errors(dagbag) -> None:
    assert dagbag.import_errors == {}, "\n".join(
        f"{path}: {err}" for path, err in dagbag.import_errors.items()
    )


def test_exactly_the_expected_dags(dagbag) -> None:
    assert set(dagbag.dag_ids) == set(EXPECTED)


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_dag_shape(dagbag, dag_id: str) -> None:
    dag = dagbag.dags[dag_id]
    expected = EXPECTED[dag_id]
    assert {t.task_id for t in dag.tasks} == expected["tasks"]
    assert "lakehouse" in dag.tags
    assert dag.catchup is False
    assert dag.description
    for t in dag.tasks:
        assert t.retries == expected["retries"], t.task_id
    if expected["schedule"] is not None:
        assert dag.schedule == expected["schedule"]


def test_data_quality_runs_after_ingest(dagbag) -> None:
    quality = dagbag.dags["lakehouse_data_quality"]
    ingest_task = dagbag.dags["lakehouse_ingest"].get_task("load_orders")
    outlets = {a.name for a in ingest_task.outlets}
    assert outlets == {"iceberg.lakehouse.orders"}
    assert [a.name for a in quality.schedule] == ["iceberg.lakehouse.orders"]


def test_maintenance_runs_in_order(dagbag) -> None:
    dag = dagbag.dags["lakehouse_maintenance"]
    assert dag.get_task("optimize").upstream_task_ids == {"discover_tables"}
    assert dag.get_task("expire_snapshots").upstream_task_ids == {"optimize"}
    assert dag.get_task("remove_orphan_files").upstream_task_ids == {"expire_snapshots"}
