"""Reads an Iceberg table through the Lakehouse catalog with pyiceberg and prints what it found.

Environment: LH_CATALOG_URI, LH_S3_ENDPOINT, LH_S3_ACCESS_KEY_ID, LH_S3_SECRET_ACCESS_KEY.
Argument: the table identifier, e.g. demo.orders. Prints one JSON object.
"""

import json
import os
import sys

import pyarrow.compute as pc
from pyiceberg.catalog import load_catalog


def main() -> None:
    catalog = load_catalog(
        "lakehouse",
        type="rest",
        uri=os.environ["LH_CATALOG_URI"],
        **{
            "s3.endpoint": os.environ["LH_S3_ENDPOINT"],
            "s3.access-key-id": os.environ["LH_S3_ACCESS_KEY_ID"],
            "s3.secret-access-key": os.environ["LH_S3_SECRET_ACCESS_KEY"],
            "s3.region": "us-east-1",
        },
    )
    table = catalog.load_table(sys.argv[1])
    rows = table.scan().to_arrow()
    print(
        json.dumps(
            {
                "rows": rows.num_rows,
                "orderkey_sum": pc.sum(rows["orderkey"]).as_py(),
                "location": table.location(),
            }
        )
    )


if __name__ == "__main__":
    main()
