"""SQL for the ingest DAG: TPC-H orders from Trino's `tpch` catalog into a partitioned Iceberg table.

Each run owns one `load_date` partition: it deletes that partition and inserts it again, so
running it twice for the same logical date leaves the same rows. Partitioning by `load_date`
makes the delete a metadata-only operation in Iceberg (whole files are dropped, nothing rewritten).
"""

from __future__ import annotations

from datetime import date

from lakehouse_common.naming import CATALOG, SCHEMA, TableName, date_literal, identifier

ORDERS = TableName(CATALOG, SCHEMA, "orders")

# Trino's tpch connector schemas small enough for one machine; `conf` may only pick one of these.
TPCH_SCALES = ("tiny", "sf1")

# The source columns, in order, with the Iceberg types they are stored as.
ORDER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("orderkey", "BIGINT"),
    ("custkey", "BIGINT"),
    ("orderstatus", "VARCHAR"),
    ("totalprice", "DOUBLE"),
    ("orderdate", "DATE"),
    ("orderpriority", "VARCHAR"),
    ("clerk", "VARCHAR"),
    ("shippriority", "INTEGER"),
    ("comment", "VARCHAR"),
)


def create_schema_sql(table: TableName = ORDERS) -> str:
    return f"CREATE SCHEMA IF NOT EXISTS {identifier(table.catalog)}.{identifier(table.schema)}"


def create_table_sql(table: TableName = ORDERS) -> str:
    columns = ",\n  ".join(f"{identifier(name)} {type_}" for name, type_ in ORDER_COLUMNS)
    return (
        f"CREATE TABLE IF NOT EXISTS {table.sql()} (\n"
        f"  {columns},\n"
        f'  "load_date" DATE NOT NULL\n'
        f")\nWITH (format = 'PARQUET', partitioning = ARRAY['load_date'])"
    )


def delete_partition_sql(load_date: str | date, table: TableName = ORDERS) -> str:
    return f'DELETE FROM {table.sql()} WHERE "load_date" = {date_literal(load_date)}'


def insert_partition_sql(load_date: str | date, scale: str = "tiny", table: TableName = ORDERS) -> str:
    if scale not in TPCH_SCALES:
        raise ValueError(f"unknown TPC-H scale {scale!r}; one of {', '.join(TPCH_SCALES)}")
    names = ", ".join(identifier(name) for name, _ in ORDER_COLUMNS)
    return (
        f'INSERT INTO {table.sql()} ({names}, "load_date")\n'
        f"SELECT {names}, {date_literal(load_date)}\n"
        f'FROM "tpch".{identifier(scale)}."orders"'
    )


def count_partition_sql(load_date: str | date, table: TableName = ORDERS) -> str:
    return f'SELECT count(*) FROM {table.sql()} WHERE "load_date" = {date_literal(load_date)}'


def load_statements(load_date: str | date, scale: str = "tiny", table: TableName = ORDERS) -> list[str]:
    """Everything one ingest run executes, in order."""
    return [
        create_schema_sql(table),
        create_table_sql(table),
        delete_partition_sql(load_date, table),
        insert_partition_sql(load_date, scale, table),
    ]
