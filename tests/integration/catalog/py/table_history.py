"""Gives a pyiceberg table a history worth purging, in one run (pyarrow's import is slow).

Usage: python table_history.py, with a JSON request on the first line of stdin:
  {"table": "ns.t", "properties": {...}, "batches": [[row, ...], ...], "delete_ids": [...],
   "overwrite": [row, ...]}
Creates the table (the partitioned table of ops.py, with the given table properties), appends each
batch as its own snapshot, deletes the rows whose id is in `delete_ids` (pyiceberg rewrites the
data files that hold them: copy-on-write), then overwrites the table with `overwrite`. Prints
{"snapshot_count": n} as the last stdout line.

Catalog and S3 settings come from the environment, as for ops.py.
"""

from __future__ import annotations

import json
import sys

from pyiceberg.expressions import In

from ops import SCHEMA, SPEC, arrow_rows, catalog


def main() -> None:
    req = json.loads(sys.stdin.readline())
    table = catalog().create_table(
        req["table"], schema=SCHEMA, partition_spec=SPEC, properties=req.get("properties", {})
    )
    for batch in req["batches"]:
        table.append(arrow_rows(table.schema(), batch))
    if req.get("delete_ids"):
        table.delete(In("id", req["delete_ids"]))
    if req.get("overwrite"):
        table.overwrite(arrow_rows(table.schema(), req["overwrite"]))
    print(json.dumps({"snapshot_count": len(table.metadata.snapshots)}), flush=True)


if __name__ == "__main__":
    main()
