"""Data-quality checks on one `load_date` of the orders table: SQL to measure, pure code to judge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lakehouse_common.ingest import ORDERS
from lakehouse_common.naming import TableName, date_literal, identifier

KEY_COLUMNS = ("orderkey", "custkey", "orderdate")
UNIQUE_KEY = "orderkey"


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str


def measure_sql(load_date: str | date, table: TableName = ORDERS) -> str:
    """One scan returning: row count, NULLs per key column, duplicate keys (rows beyond the first)."""
    nulls = ", ".join(
        f"count_if({identifier(c)} IS NULL) AS {identifier('null_' + c)}" for c in KEY_COLUMNS
    )
    key = identifier(UNIQUE_KEY)
    return (
        f"SELECT count(*) AS row_count, {nulls}, "
        f"count({key}) - count(DISTINCT {key}) AS duplicate_keys\n"
        f"FROM {table.sql()}\n"
        f'WHERE "load_date" = {date_literal(load_date)}'
    )


def evaluate(row: tuple[int, ...], min_rows: int = 1) -> list[CheckResult]:
    """Judges a `measure_sql` row; every check gets a result, passed or not."""
    row_count, *null_counts, duplicates = (int(v or 0) for v in row)
    results = [
        CheckResult(
            "row_count",
            row_count >= min_rows,
            f"{row_count} rows (at least {min_rows} expected)",
        )
    ]
    for column, nulls in zip(KEY_COLUMNS, null_counts, strict=True):
        results.append(CheckResult(f"not_null_{column}", nulls == 0, f"{nulls} NULL values in {column}"))
    results.append(
        CheckResult(f"unique_{UNIQUE_KEY}", duplicates == 0, f"{duplicates} duplicate keys")
    )
    return results


def failure_message(results: list[CheckResult], table: str, load_date: str) -> str | None:
    """`None` when every check passed; otherwise one line per failed check, naming it."""
    failed = [r for r in results if not r.passed]
    if not failed:
        return None
    lines = [f"check {r.name} failed: {r.detail}" for r in failed]
    return f"data quality failed for {table} load_date={load_date}: " + "; ".join(lines)
