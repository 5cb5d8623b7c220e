"""Makes the planning benchmark's table (bench/catalog/plan.ts): `files` tiny Parquet files written
with pyarrow into the table's data directory, committed with pyiceberg's add_files (a fast append:
one new manifest per commit) `per_commit` at a time — so 1,000 files in 100 commits give 100
manifests. File i holds ids i*ROWS .. i*ROWS+ROWS-1, so a range on id prunes by column metrics.

Environment: LH_CATALOG_URI (the warehouse is a local directory: no storage settings).
Arguments: <namespace.table> <files> <per_commit>. Prints one JSON object.
"""

import json
import os
import sys
import time
from urllib.parse import urlparse

import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import DoubleType, LongType, NestedField, StringType

ROWS = 20


def main() -> None:
    identifier, files, per_commit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    namespace = identifier.rsplit(".", 1)[0]
    catalog = load_catalog("lakehouse", type="rest", uri=os.environ["LH_CATALOG_URI"])
    catalog.create_namespace_if_not_exists(namespace)
    schema = Schema(
        NestedField(1, "id", LongType(), required=False),
        NestedField(2, "cat", StringType(), required=False),
        NestedField(3, "v", DoubleType(), required=False),
    )
    table = catalog.create_table(identifier, schema=schema)
    data_dir = os.path.join(urlparse(table.location()).path, "data")
    os.makedirs(data_dir, exist_ok=True)
    arrow_schema = schema.as_arrow()
    started = time.perf_counter()
    for first in range(0, files, per_commit):
        paths = []
        for i in range(first, min(first + per_commit, files)):
            ids = list(range(i * ROWS, (i + 1) * ROWS))
            batch = pa.table(
                {
                    "id": ids,
                    "cat": [f"c{i % 7}"] * ROWS,
                    "v": [x * 0.5 for x in ids],
                },
                schema=arrow_schema,
            )
            path = os.path.join(data_dir, f"part-{i:05d}.parquet")
            pq.write_table(batch, path)
            paths.append(f"file://{path}")
        table.add_files(paths)
    table = catalog.load_table(identifier)
    manifests = table.current_snapshot().manifests(table.io)
    print(
        json.dumps(
            {
                "dataFiles": sum(m.added_files_count + m.existing_files_count for m in manifests),
                "manifests": len(manifests),
                "snapshots": len(table.metadata.snapshots),
                "rowsPerFile": ROWS,
                "setupMs": round((time.perf_counter() - started) * 1000),
            }
        )
    )


if __name__ == "__main__":
    main()
