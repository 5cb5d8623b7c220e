"""Identifiers and literals for the SQL the DAGs send to Trino.

Every value that ends up inside a statement passes through here, so a DAG run's `conf`
(user input) can never inject SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

CATALOG = "iceberg"
SCHEMA = "lakehouse"

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def identifier(name: str) -> str:
    """Returns a double-quoted Trino identifier; refuses anything but lower-case snake_case."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a valid identifier: {name!r} (lower-case letters, digits and _)")
    return f'"{name}"'


@dataclass(frozen=True)
class TableName:
    catalog: str
    schema: str
    table: str

    def sql(self) -> str:
        return ".".join(identifier(p) for p in (self.catalog, self.schema, self.table))

    def __str__(self) -> str:
        return f"{self.catalog}.{self.schema}.{self.table}"

    @staticmethod
    def parse(name: str, default_catalog: str = CATALOG) -> TableName:
        """`schema.table` or `catalog.schema.table`."""
        parts = name.split(".")
        if len(parts) == 2:
            parts = [default_catalog, *parts]
        if len(parts) != 3:
            raise ValueError(f"not a table name: {name!r} (expected schema.table or catalog.schema.table)")
        for part in parts:
            identifier(part)
        return TableName(*parts)


def date_literal(value: str | date) -> str:
    """A `DATE 'YYYY-MM-DD'` literal from an ISO date; anything else is refused."""
    parsed = value if isinstance(value, date) else date.fromisoformat(value)
    return f"DATE '{parsed.isoformat()}'"


def string_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
