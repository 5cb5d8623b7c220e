"""Builds tables with pyiceberg and plans scans of them both ways, for the scan-planning tests.

Usage: python scan_ops.py <operation>, with a JSON request on the first line of stdin; the result
is one JSON line on stdout. Settings come from the environment as for ops.py (LH_CATALOG_URI,
LH_S3_*): secrets never go on a command line.

`plan` plans each filter twice: locally (pyiceberg reads the manifests itself) and through the
catalog's planTableScan endpoint (pyiceberg's `scan-planning-mode: server`), and reads the rows
both ways.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa
from pyiceberg.catalog import Catalog, load_catalog
from pyiceberg.partitioning import PartitionField, PartitionSpec
from pyiceberg.schema import Schema
from pyiceberg.transforms import BucketTransform, DayTransform, IdentityTransform
from pyiceberg.types import DoubleType, LongType, NestedField, StringType, TimestampType

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "category", StringType(), required=False),
    NestedField(3, "ts", TimestampType(), required=False),
    NestedField(4, "amount", DoubleType(), required=False),
    NestedField(5, "note", StringType(), required=False),
)
SPEC = PartitionSpec(
    PartitionField(source_id=2, field_id=1000, transform=IdentityTransform(), name="category"),
    PartitionField(source_id=3, field_id=1001, transform=DayTransform(), name="ts_day"),
)


def catalog(server_planning: bool = False) -> Catalog:
    env = os.environ
    props = {
        "uri": env["LH_CATALOG_URI"],
        "s3.endpoint": env["LH_S3_ENDPOINT"],
        "s3.region": env["LH_S3_REGION"],
        "s3.access-key-id": env["LH_S3_ACCESS_KEY_ID"],
        "s3.secret-access-key": env["LH_S3_SECRET_ACCESS_KEY"],
        "s3.force-virtual-addressing": "false",
    }
    if server_planning:
        props["scan-planning-mode"] = "server"
    return load_catalog("server" if server_planning else "local", type="rest", **props)


def batch(ids: list[int]) -> pa.Table:
    """Rows over three categories and four days; every fifth amount is NaN, every third note null."""
    base = datetime(2024, 1, 1)
    rows = {
        "id": ids,
        "category": [["a", "b", "c"][i % 3] for i in ids],
        "ts": [base + timedelta(days=i % 4, hours=i % 24) for i in ids],
        "amount": [float("nan") if i % 5 == 0 else i * 1.5 for i in ids],
        "note": [None if i % 3 == 0 else f"note-{i:03d}" for i in ids],
    }
    return pa.Table.from_pydict(rows, schema=SCHEMA.as_arrow())


def op_setup(req: dict[str, Any]) -> dict[str, Any]:
    """Creates the table, appends in several commits, then evolves the spec and appends again."""
    cat = catalog()
    ns = req["namespace"]
    cat.create_namespace_if_not_exists(ns)
    table = cat.create_table(f"{ns}.{req['table']}", schema=SCHEMA, partition_spec=SPEC)
    snapshots = []
    for start in range(0, 60, 20):
        table.append(batch(list(range(start, start + 20))))
        snapshots.append(table.current_snapshot().snapshot_id)
    if req.get("evolve", True):
        with table.update_spec() as update:
            update.add_field("id", BucketTransform(4), "id_bucket")
        table.append(batch(list(range(60, 80))))
        snapshots.append(table.current_snapshot().snapshot_id)
    return {"snapshots": [str(s) for s in snapshots]}


def rows_of(arrow: pa.Table) -> list[dict[str, Any]]:
    out = arrow.sort_by("id").to_pylist()
    for row in out:
        for key, value in row.items():
            if isinstance(value, datetime):
                row[key] = value.isoformat()
            elif isinstance(value, float) and value != value:
                row[key] = "NaN"
    return out


def op_plan(req: dict[str, Any]) -> dict[str, Any]:
    ident = f"{req['namespace']}.{req['table']}"
    local = catalog().load_table(ident)
    server = catalog(server_planning=True).load_table(ident)
    results = []
    for row_filter in req["filters"]:
        kwargs: dict[str, Any] = {"row_filter": row_filter}
        if req.get("snapshot_id"):
            kwargs["snapshot_id"] = int(req["snapshot_id"])
        local_scan = local.scan(**kwargs)
        server_scan = server.scan(**kwargs)
        results.append(
            {
                "filter": row_filter,
                # Proof the second plan went through the catalog's endpoint, not pyiceberg's own.
                "server_planning": server_scan._should_use_server_side_planning()
                and not local_scan._should_use_server_side_planning(),
                "local_files": sorted(t.file.file_path for t in local_scan.plan_files()),
                "server_files": sorted(t.file.file_path for t in server_scan.plan_files()),
                "local_rows": rows_of(local_scan.to_arrow()) if req.get("rows") else None,
                "server_rows": rows_of(server_scan.to_arrow()) if req.get("rows") else None,
            }
        )
    return {"results": results}


def op_incremental(req: dict[str, Any]) -> dict[str, Any]:
    table = catalog().load_table(f"{req['namespace']}.{req['table']}")
    scan = table.incremental_append_scan(
        from_snapshot_id_exclusive=int(req["start"]), to_snapshot_id_inclusive=int(req["end"])
    )
    return {"files": sorted(t.file.file_path for t in scan.plan_files())}


def op_read(req: dict[str, Any]) -> dict[str, Any]:
    table = catalog().load_table(f"{req['namespace']}.{req['table']}")
    return {"rows": rows_of(table.scan(row_filter=req["filter"]).to_arrow())}


OPERATIONS = {"setup": op_setup, "plan": op_plan, "incremental": op_incremental, "read": op_read}


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    operation = OPERATIONS[sys.argv[1]]
    request = json.loads(sys.stdin.readline())
    print(json.dumps(operation(request)), flush=True)


if __name__ == "__main__":
    main()
