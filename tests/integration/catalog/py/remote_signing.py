"""pyiceberg with no S3 keys: every S3 request is signed by the catalog (remote signing).

Usage: python remote_signing.py, with a JSON request on the first line of stdin:
{"table": "ns.t", "rows": [{"id": 1, "name": "a"}, ...]}. Creates the namespace and table,
appends the rows, reads them back and prints one JSON line: the rows read, the FileIO used and
the signer settings the catalog handed out.

Only LH_CATALOG_URI (and LH_CATALOG_TOKEN, when the catalog wants one) is read from the environment: the client is given no S3 endpoint, region or
keys, so everything it knows about S3 comes from the catalog's table config.
"""

from __future__ import annotations

import json
import os
import sys

import pyarrow as pa
from pyiceberg.catalog import load_catalog
from pyiceberg.schema import Schema
from pyiceberg.types import LongType, NestedField, StringType

SCHEMA = Schema(
    NestedField(1, "id", LongType(), required=True),
    NestedField(2, "name", StringType(), required=False),
)


def main() -> None:
    request = json.loads(sys.stdin.readline())
    properties = {
        "header.X-Iceberg-Access-Delegation": "remote-signing",
        # pyiceberg's remote signer hooks into botocore: it needs the fsspec (s3fs) FileIO.
        "py-io-impl": "pyiceberg.io.fsspec.FsspecFileIO",
    }
    if token := os.environ.get("LH_CATALOG_TOKEN"):
        # The signer sends the catalog's bearer token with each sign request too.
        properties["token"] = token
    catalog = load_catalog("lakehouse", type="rest", uri=os.environ["LH_CATALOG_URI"], **properties)
    namespace, name = request["table"].split(".")
    catalog.create_namespace_if_not_exists(namespace)
    table = catalog.create_table(request["table"], schema=SCHEMA)
    rows = request["rows"]
    table.append(
        pa.Table.from_pylist(rows, schema=SCHEMA.as_arrow()),
    )
    reloaded = catalog.load_table(request["table"])
    read = reloaded.scan().to_arrow().sort_by("id").to_pylist()
    props = reloaded.io.properties
    print(
        json.dumps(
            {
                "rows": read,
                "io": type(reloaded.io).__module__ + "." + type(reloaded.io).__name__,
                "location": reloaded.location(),
                "data_files": [t.file.file_path for t in reloaded.scan().plan_files()],
                "signer": {k: v for k, v in props.items() if k.startswith(("s3.", "client."))},
            }
        )
    )


if __name__ == "__main__":
    main()
