"""Drives our Iceberg REST catalog with pyiceberg, one operation per run.

Usage: python ops.py <operation>, with a JSON request on the first line of stdin. The result is
printed as one JSON line on stdout (the last line), for the TypeScript test to assert on.

The catalog and S3 settings come from the environment (LH_CATALOG_URI, LH_S3_ENDPOINT,
LH_S3_REGION, LH_S3_ACCESS_KEY_ID, LH_S3_SECRET_ACCESS_KEY): secrets never go on a command line.
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
from datetime import datetime
from typing import Any, Callable

import pyarrow as pa
from pyiceberg.catalog import Catalog, load_catalog
from pyiceberg.exceptions import CommitFailedException, NoSuchTableError
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.table import Table
from pyiceberg.transforms import DayTransform, IdentityTransform
from pyiceberg.types import DoubleType, LongType, NestedField, StringType, TimestampType

# The table every scenario uses: a day partition on a timestamp and an identity partition on a
# string, so writes fan out into several partition directories.
SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "category", StringType(), required=False),
    NestedField(3, "ts", TimestampType(), required=False),
    NestedField(4, "amount", DoubleType(), required=False),
)
SPEC = PartitionSpec(
    PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"),
    PartitionField(source_id=3, field_id=1001, transform=DayTransform(), name="ts_day"),
)


def catalog() -> Catalog:
    env = os.environ
    return load_catalog(
        "lakehouse",
        type="rest",
        uri=env["LH_CATALOG_URI"],
        **{
            "s3.endpoint": env["LH_S3_ENDPOINT"],
            "s3.region": env["LH_S3_REGION"],
            "s3.access-key-id": env["LH_S3_ACCESS_KEY_ID"],
            "s3.secret-access-key": env["LH_S3_SECRET_ACCESS_KEY"],
            # MinIO on a loopback port has no per-bucket host names: path-style requests.
            "s3.force-virtual-addressing": "false",
        },
    )


def arrow_rows(iceberg_schema: Schema, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows from the test (timestamps as ISO strings) as Arrow data in the given schema."""
    schema = iceberg_schema.as_arrow()
    columns: dict[str, list[Any]] = {}
    for field in schema:
        values = [row.get(field.name) for row in rows]
        if pa.types.is_timestamp(field.type):
            values = [None if v is None else datetime.fromisoformat(v) for v in values]
        columns[field.name] = values
    return pa.Table.from_pydict(columns, schema=schema)


def read_rows(table: Table) -> list[dict[str, Any]]:
    rows = table.scan().to_arrow().sort_by("id").to_pylist()
    for row in rows:
        for key, value in row.items():
            if isinstance(value, datetime):
                row[key] = value.isoformat()
    return rows


def schema_fields(table: Table) -> list[list[Any]]:
    return [[f.field_id, f.name, str(f.field_type), f.required] for f in table.schema().fields]


def data_files(table: Table) -> list[str]:
    if table.current_snapshot() is None:
        return []
    return sorted(table.inspect.files().column("file_path").to_pylist())


def table_state(table: Table) -> dict[str, Any]:
    return {
        "snapshot_count": len(table.metadata.snapshots),
        "data_files": data_files(table),
    }


class RetryCounter(logging.Handler):
    """Counts pyiceberg's own commit retries (it logs a warning before each one)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "Commit failed due to a concurrent update" in record.getMessage():
            self.count += 1


def count_retries() -> RetryCounter:
    counter = RetryCounter()
    logging.getLogger("pyiceberg").addHandler(counter)
    return counter


# --- operations --------------------------------------------------------------------------------


def op_create_namespace(req: dict[str, Any]) -> dict[str, Any]:
    cat = catalog()
    cat.create_namespace(req["namespace"], req.get("properties", {}))
    return {
        "namespaces": sorted(".".join(ns) for ns in cat.list_namespaces()),
        "properties": cat.load_namespace_properties(req["namespace"]),
    }


def op_create_table(req: dict[str, Any]) -> dict[str, Any]:
    table = catalog().create_table(req["table"], schema=SCHEMA, partition_spec=SPEC)
    return {
        "location": table.location(),
        "format_version": table.format_version,
        "schema": schema_fields(table),
        "spec": [[f.source_id, f.field_id, str(f.transform), f.name] for f in table.spec().fields],
        "snapshot_count": len(table.metadata.snapshots),
    }


def op_append(req: dict[str, Any]) -> dict[str, Any]:
    table = catalog().load_table(req["table"])
    table.append(arrow_rows(table.schema(), req["rows"]))
    return table_state(table)


def op_read(req: dict[str, Any]) -> dict[str, Any]:
    table = catalog().load_table(req["table"])
    return {"rows": read_rows(table), **table_state(table)}


def op_add_column(req: dict[str, Any]) -> dict[str, Any]:
    table = catalog().load_table(req["table"])
    with table.update_schema() as update:
        update.add_column(req["name"], StringType(), doc=req.get("doc"))
    # Reload: the schema must come back from the catalog, not from the client's own copy.
    reloaded = catalog().load_table(req["table"])
    return {"schema": schema_fields(reloaded), "schema_id": reloaded.schema().schema_id}


def op_stage_create(req: dict[str, Any]) -> dict[str, Any]:
    cat = catalog()
    txn = cat.create_table_transaction(req["table"], schema=SCHEMA, partition_spec=SPEC)
    txn.append(arrow_rows(txn.table_metadata.schema(), req["rows"]))
    exists_before_commit = cat.table_exists(req["table"])
    txn.commit_transaction()
    table = cat.load_table(req["table"])
    return {
        "exists_before_commit": exists_before_commit,
        "exists_after_commit": cat.table_exists(req["table"]),
        "location": table.location(),
        "rows": read_rows(table),
        **table_state(table),
    }


def op_stale_commit(req: dict[str, Any]) -> dict[str, Any]:
    """Two handles on one table; the second commits on a stale base and must be refused (409)."""
    cat = catalog()
    first = cat.load_table(req["table"])
    second = cat.load_table(req["table"])
    first.append(arrow_rows(first.schema(), req["rows_first"]))
    retries = count_retries()
    second.append(arrow_rows(second.schema(), req["rows_second"]))  # pyiceberg refreshes and retries
    table = cat.load_table(req["table"])
    return {
        "retries": retries.count,
        "ids": sorted(r["id"] for r in read_rows(table)),
        **table_state(table),
    }


def op_set_properties(req: dict[str, Any]) -> dict[str, Any]:
    table = catalog().load_table(req["table"])
    with table.transaction() as txn:
        txn.set_properties(req["properties"])
    reloaded = catalog().load_table(req["table"])
    return {"properties": {k: reloaded.properties.get(k) for k in req["properties"]}}


def op_worker(req: dict[str, Any]) -> dict[str, Any]:
    """One of several concurrent writers: appends its batches, refreshing and retrying on 409."""
    table = catalog().load_table(req["table"])
    # Tell the test we are loaded, then wait for its "go" so every writer commits at once.
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()
    conflicts = 0
    for batch in req["batches"]:
        for attempt in range(req.get("max_attempts", 50)):
            try:
                table.append(arrow_rows(table.schema(), batch))
                break
            except CommitFailedException:
                conflicts += 1
                time.sleep(random.uniform(0.01, 0.1) * (attempt + 1))
                table.refresh()
        else:
            raise RuntimeError(f"worker {req['worker']}: gave up after {conflicts} conflicts")
    return {"worker": req["worker"], "commits": len(req["batches"]), "conflicts": conflicts}


def op_list(req: dict[str, Any]) -> dict[str, Any]:
    cat = catalog()
    return {
        "namespaces": sorted(".".join(ns) for ns in cat.list_namespaces()),
        "tables": sorted(".".join(t) for t in cat.list_tables(req["namespace"])),
    }


def op_drop_table(req: dict[str, Any]) -> dict[str, Any]:
    cat = catalog()
    if req.get("purge"):
        cat.purge_table(req["table"])
    else:
        cat.drop_table(req["table"])
    try:
        cat.load_table(req["table"])
        load_after = "loaded"
    except NoSuchTableError:
        load_after = "NoSuchTableError"
    return {"exists_after": cat.table_exists(req["table"]), "load_after": load_after}


def op_drop_namespace(req: dict[str, Any]) -> dict[str, Any]:
    cat = catalog()
    cat.drop_namespace(req["namespace"])
    return {"namespaces": sorted(".".join(ns) for ns in cat.list_namespaces())}


OPERATIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "create_namespace": op_create_namespace,
    "create_table": op_create_table,
    "append": op_append,
    "read": op_read,
    "add_column": op_add_column,
    "stage_create": op_stage_create,
    "stale_commit": op_stale_commit,
    "set_properties": op_set_properties,
    "worker": op_worker,
    "list": op_list,
    "drop_table": op_drop_table,
    "drop_namespace": op_drop_namespace,
}


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    operation = OPERATIONS[sys.argv[1]]
    request = json.loads(sys.stdin.readline())
    print(json.dumps(operation(request)), flush=True)


if __name__ == "__main__":
    main()
