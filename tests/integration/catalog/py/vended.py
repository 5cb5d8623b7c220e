"""pyiceberg with no S3 keys of its own: every file it reads or writes goes through the
credentials the catalog vends.

Usage: python vended.py, with a JSON request on the first line of stdin:
{"namespace": "...", "table": "ns.t", "rows": [{"id": 1, "name": "a"}, ...]}. Creates the
namespace and table, appends the rows, reads them back from a fresh load and prints one JSON line.

Only LH_CATALOG_URI comes from the environment; the test strips every AWS_* variable too.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "name", StringType(), required=False),
)


def main() -> None:
    req: dict[str, Any] = json.loads(sys.stdin.readline())
    cat = load_catalog(
        "vended",
        type="rest",
        uri=os.environ["LH_CATALOG_URI"],
        # No s3.* settings at all: endpoint, region and keys all come from the catalog.
        **{"header.X-Iceberg-Access-Delegation": "vended-credentials"},
    )
    cat.create_namespace_if_not_exists(req["namespace"])
    created = cat.create_table(req["table"], schema=SCHEMA)
    created_keys = sorted(k for k in created.io.properties if k.startswith("s3."))
    rows = req["rows"]
    data = pa.Table.from_pylist(rows, schema=SCHEMA.as_arrow())
    cat.load_table(req["table"]).append(data)
    table = cat.load_table(req["table"])
    read = table.scan().to_arrow().sort_by("id").to_pylist()
    print(
        json.dumps(
            {
                "location": table.location(),
                "created_io_keys": created_keys,
                "rows": read,
                "data_files": sorted(table.inspect.files().column("file_path").to_pylist()),
            }
        )
    )


if __name__ == "__main__":
    main()
