"""A PySpark session on the Lakehouse catalog that runs SQL statements sent to it, one JVM for all.

Environment:
  LH_CATALOG_URI      the catalog's base URI
  LH_WAREHOUSE        the warehouse (name or location)
  LH_SPARK_JARS       comma-separated jars: Iceberg's Spark runtime and AWS bundle
  LH_SPARK_LOCAL_DIR  where Spark keeps its scratch files (spark.local.dir)
  LH_SPARK_CATALOG    JSON object of extra catalog properties (S3 endpoint, keys or the
                      access-delegation header), set as spark.sql.catalog.lakehouse.<key>

Protocol: stdin has one JSON request per line, {"sql": "..."}; stdout gets one JSON line each:
{"columns": [...], "rows": [[...], ...]} or {"error": "..."}. The first line printed is
{"ready": true, "spark": "<version>", "startup_seconds": n}. EOF stops the session.
"""

import datetime
import decimal
import json
import os
import sys
import time

# The JVM inherits our stdout; it must not interleave its lines with the JSON protocol, so the
# protocol gets a private copy of stdout and everything else goes to stderr.
_protocol = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr

from pyspark.sql import SparkSession  # noqa: E402  (after the redirect, on purpose)


def session() -> SparkSession:
    catalog = "spark.sql.catalog.lakehouse"
    builder = (
        SparkSession.builder.master("local[1]")
        .appName("lakehouse-spark-interop")
        .config("spark.driver.memory", "1g")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.jars", os.environ["LH_SPARK_JARS"])
        .config("spark.local.dir", os.environ["LH_SPARK_LOCAL_DIR"])
        .config(
            "spark.sql.extensions",
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        )
        .config(catalog, "org.apache.iceberg.spark.SparkCatalog")
        .config(f"{catalog}.type", "rest")
        .config(f"{catalog}.uri", os.environ["LH_CATALOG_URI"])
        .config(f"{catalog}.warehouse", os.environ["LH_WAREHOUSE"])
        .config(f"{catalog}.io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
        # Another engine writes the same tables between statements: load them fresh each time.
        .config(f"{catalog}.cache-enabled", "false")
    )
    for key, value in json.loads(os.environ.get("LH_SPARK_CATALOG", "{}")).items():
        builder = builder.config(f"{catalog}.{key}", value)
    return builder.getOrCreate()


def plain(value):
    """A JSON-friendly value: timestamps as ISO strings, decimals as strings."""
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def reply(value) -> None:
    _protocol.write(json.dumps(value) + "\n")


def main() -> None:
    started = time.monotonic()
    spark = session()
    spark.sparkContext.setLogLevel("ERROR")
    reply(
        {
            "ready": True,
            "spark": spark.version,
            "startup_seconds": round(time.monotonic() - started, 1),
        }
    )
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            frame = spark.sql(request["sql"])
            rows = frame.collect()
            reply({"columns": frame.columns, "rows": [plain(list(r)) for r in rows]})
        except Exception as err:  # noqa: BLE001  (any failure goes back to the test as data)
            reply({"error": f"{type(err).__name__}: {err}"})
    spark.stop()


if __name__ == "__main__":
    main()
