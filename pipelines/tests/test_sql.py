"""The pure SQL builders and judgements behind the DAGs."""

from __future__ import annotations

import pytest

from lakehouse_common.ingest import (
    create_table_sql,
    delete_partition_sql,
    insert_partition_sql,
    load_statements,
)
from lakehouse_common.maintenance import (
    DISCOVER_SQL,
    MIN_RETENTION_HINT,
    duration_seconds,
    effective_snapshot_retention,
    expire_snapshots_sql,
    explain_trino_error,
    optimize_sql,
    remove_orphan_files_sql,
    resolve_retention,
    snapshot_ages_sql,
    trino_duration,
)
from lakehouse_common.naming import TableName, date_literal, identifier
from lakehouse_common.quality import evaluate, failure_message, measure_sql
from lakehouse_common.runs import resolve_load_date

ORDERS = TableName("iceberg", "lakehouse", "orders")


def test_identifiers_refuse_injection() -> None:
    assert identifier("orders") == '"orders"'
    for bad in ['x"; DROP TABLE y; --', "Orders", "a b", "", "1abc"]:
        with pytest.raises(ValueError):
            identifier(bad)


def test_table_names() -> None:
    assert TableName.parse("lakehouse.orders") == ORDERS
    assert TableName.parse("other.s.t") == TableName("other", "s", "t")
    assert ORDERS.sql() == '"iceberg"."lakehouse"."orders"'
    with pytest.raises(ValueError, match="expected schema.table"):
        TableName.parse("orders")


def test_date_literal_accepts_only_dates() -> None:
    assert date_literal("2026-11-20") == "DATE '2026-11-20'"
    with pytest.raises(ValueError):
        date_literal("2026-11-20' OR '1'='1")


def test_ingest_is_delete_then_insert_of_one_partition() -> None:
    statements = load_statements("2026-11-20")
    assert statements[0] == 'CREATE SCHEMA IF NOT EXISTS "iceberg"."lakehouse"'
    assert statements[1].startswith('CREATE TABLE IF NOT EXISTS "iceberg"."lakehouse"."orders"')
    assert "partitioning = ARRAY['load_date']" in statements[1]
    assert statements[2] == delete_partition_sql("2026-11-20")
    assert statements[2] == (
        'DELETE FROM "iceberg"."lakehouse"."orders" WHERE "load_date" = DATE \'2026-11-20\''
    )
    assert statements[3] == insert_partition_sql("2026-11-20", "tiny")
    assert 'FROM "tpch"."tiny"."orders"' in statements[3]
    assert "DATE '2026-11-20'\n" in statements[3]


def test_ingest_columns_match_between_create_and_insert() -> None:
    create = create_table_sql()
    insert = insert_partition_sql("2026-11-20")
    for column in ["orderkey", "custkey", "orderdate", "comment", "load_date"]:
        assert f'"{column}"' in create and f'"{column}"' in insert


def test_ingest_refuses_unknown_scale() -> None:
    with pytest.raises(ValueError, match="unknown TPC-H scale 'sf1000'"):
        insert_partition_sql("2026-11-20", "sf1000")


def test_quality_measure_sql() -> None:
    sql = measure_sql("2026-11-20")
    assert 'count_if("orderkey" IS NULL) AS "null_orderkey"' in sql
    assert 'count("orderkey") - count(DISTINCT "orderkey") AS duplicate_keys' in sql
    assert sql.endswith("WHERE \"load_date\" = DATE '2026-11-20'")


def test_quality_all_pass() -> None:
    results = evaluate((15000, 0, 0, 0, 0))
    assert all(r.passed for r in results)
    assert [r.name for r in results] == [
        "row_count",
        "not_null_orderkey",
        "not_null_custkey",
        "not_null_orderdate",
        "unique_orderkey",
    ]
    assert failure_message(results, "iceberg.lakehouse.orders", "2026-11-20") is None


def test_quality_failures_name_the_check() -> None:
    message = failure_message(evaluate((10, 0, 2, 0, 3)), "iceberg.lakehouse.orders", "2026-11-20")
    assert message == (
        "data quality failed for iceberg.lakehouse.orders load_date=2026-11-20: "
        "check not_null_custkey failed: 2 NULL values in custkey; "
        "check unique_orderkey failed: 3 duplicate keys"
    )
    empty = failure_message(evaluate((0, None, None, None, 0)), "t", "2026-11-20")
    assert empty is not None and "check row_count failed: 0 rows" in empty


def test_load_date_resolution() -> None:
    assert resolve_load_date("2026-11-01", [{"load_date": "2026-11-20"}], "2026-11-23") == "2026-11-01"
    assert resolve_load_date(None, [{"load_date": "2026-11-19"}, {"load_date": "2026-11-20"}], None) == "2026-11-20"
    assert resolve_load_date(None, [{}], "2026-11-23") == "2026-11-23"
    assert resolve_load_date(None, [], None) is None
    with pytest.raises(ValueError):
        resolve_load_date("yesterday", [], None)


def test_durations() -> None:
    assert duration_seconds("7d") == 7 * 86400
    assert duration_seconds("2w") == 14 * 86400
    assert duration_seconds("1d12h") == 36 * 3600
    assert duration_seconds("500ms") == 0.5
    with pytest.raises(ValueError, match="not a duration"):
        duration_seconds("7 days")
    assert trino_duration(7 * 86400) == "7d"
    assert trino_duration(36 * 3600) == "129600s"
    assert trino_duration(0.5) == "0.500s"


def test_retention_precedence_variable_then_env_then_defaults() -> None:
    defaults = resolve_retention(None, {})
    assert (defaults.snapshots_seconds, defaults.min_snapshots_to_keep, defaults.orphan_files_seconds) == (
        7 * 86400,
        1,
        3 * 86400,
    )
    env = {"LAKEHOUSE_RETENTION_SNAPSHOTS": "2d", "LAKEHOUSE_RETENTION_ORPHAN_FILES": "1w"}
    mixed = resolve_retention('{"snapshots": "12h", "minSnapshotsToKeep": 3}', env)
    assert mixed.snapshots_seconds == 12 * 3600
    assert mixed.min_snapshots_to_keep == 3
    assert mixed.orphan_files_seconds == 7 * 86400


def test_retention_variable_may_hold_the_whole_config_section() -> None:
    whole = '{"snapshots": "7d", "minSnapshotsToKeep": 1, "orphanFiles": "3d", "backups": "30d"}'
    assert resolve_retention(whole, {}).orphan_files_seconds == 3 * 86400


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("not json", "not JSON"),
        ("[1]", "must be a JSON object"),
        ('{"minSnapshotsToKeep": 0}', "1 or more"),
        ('{"minSnapshotsToKeep": "x"}', "whole number"),
        ('{"orphanFiles": "3 days"}', "not a duration"),
    ],
)
def test_retention_errors(variable: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        resolve_retention(variable, {})


def test_min_snapshots_to_keep_raises_the_threshold() -> None:
    day = 86400.0
    # Newest first or not, ages are sorted: keep 1 means only the current snapshot is protected.
    assert effective_snapshot_retention(7 * day, [10 * day, 1.0, 9 * day], 1) == 7 * day
    # Keeping 3 protects the one 10 days old: the threshold moves just past it.
    assert effective_snapshot_retention(7 * day, [10 * day, 1.0, 9 * day], 3) == 10 * day + 1
    # Fewer snapshots than the minimum: none of them may go.
    assert effective_snapshot_retention(7 * day, [20 * day], 2) == 20 * day + 1
    assert effective_snapshot_retention(7 * day, [], 2) == 7 * day


def test_maintenance_statements() -> None:
    assert optimize_sql(ORDERS) == 'ALTER TABLE "iceberg"."lakehouse"."orders" EXECUTE optimize'
    assert expire_snapshots_sql(ORDERS, 7 * 86400) == [
        "SET SESSION \"iceberg\".expire_snapshots_min_retention = '7d'",
        'ALTER TABLE "iceberg"."lakehouse"."orders" EXECUTE '
        "expire_snapshots(retention_threshold => '7d')",
    ]
    assert remove_orphan_files_sql(ORDERS, 3 * 86400) == [
        "SET SESSION \"iceberg\".remove_orphan_files_min_retention = '3d'",
        'ALTER TABLE "iceberg"."lakehouse"."orders" EXECUTE '
        "remove_orphan_files(retention_threshold => '3d')",
    ]
    assert '"iceberg"."lakehouse"."orders$snapshots"' in snapshot_ages_sql(ORDERS)


def test_discovery_skips_trinos_metadata_schemas() -> None:
    assert "table_schema NOT IN ('information_schema', 'system')" in DISCOVER_SQL
    assert "table_type = 'BASE TABLE'" in DISCOVER_SQL


def test_min_retention_error_gets_a_fix() -> None:
    message = (
        "Retention specified (3.00d) is shorter than the minimum retention configured in the "
        "system (7.00d). Minimum retention can be changed with iceberg.remove_orphan_files.min-retention"
    )
    assert explain_trino_error(message) == MIN_RETENTION_HINT
    assert explain_trino_error("Table not found") is None
