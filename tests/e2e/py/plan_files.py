"""Plans table scans locally with pyiceberg (`table.scan(...).plan_files()`), as the reference the
catalog's server-side scan planning is compared with (tests/e2e/scan-planning.test.ts) and timed
against (bench/catalog/plan.ts).

Environment: LH_CATALOG_URI; LH_S3_ENDPOINT, LH_S3_ACCESS_KEY_ID, LH_S3_SECRET_ACCESS_KEY when the
warehouse is on S3.

Speaks line-delimited JSON: one request per stdin line, one answer per stdout line.
  {"table": "ns.t", "filter": <the REST spec's Expression JSON>, "snapshotId": "123"?,
   "caseSensitive": true?}
    -> {"tasks": [{"dataFile": "s3://...", "deleteFiles": ["s3://..."]}]}
  the same with "runs": N -> {"tasks": [...], "loadMs": ..., "planMs": [N durations]}
    (the table is loaded once, apart from the timed plan_files calls)
An error answers {"error": "..."} and the script goes on with the next line.

pyiceberg 0.12.0's metrics evaluator has the null-count check of not-starts-with inverted (a
recorded count of 0 reads as "may contain nulls", a missing one as "no nulls"), fixed upstream in
apache/iceberg-python#3891; the fix is applied below so the reference prunes as Java does.
"""

import json
import os
import sys
import time

from pyiceberg.catalog import load_catalog
from pyiceberg.expressions import visitors
from pyiceberg.expressions import (
    AlwaysFalse,
    AlwaysTrue,
    And,
    BooleanExpression,
    EqualTo,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNaN,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Not,
    NotEqualTo,
    NotIn,
    NotNaN,
    NotNull,
    NotStartsWith,
    Or,
    StartsWith,
)



def _may_contain_null(self, field_id: int) -> bool:
    # Java's InclusiveMetricsEvaluator.mayContainNull: unknown or non-zero null count.
    null_count = self.null_counts.get(field_id)
    return null_count is None or null_count != 0


visitors._InclusiveMetricsEvaluationVisitor._may_contain_null = _may_contain_null

COMPARISONS = {
    "eq": EqualTo,
    "not-eq": NotEqualTo,
    "lt": LessThan,
    "lt-eq": LessThanOrEqual,
    "gt": GreaterThan,
    "gt-eq": GreaterThanOrEqual,
    "starts-with": StartsWith,
    "not-starts-with": NotStartsWith,
}
UNARY = {"is-null": IsNull, "not-null": NotNull, "is-nan": IsNaN, "not-nan": NotNaN}
SETS = {"in": In, "not-in": NotIn}


def reference(node) -> str:
    """A field name from a reference: {"type": "reference", "name": ...} or a bare string term."""
    if isinstance(node, str):
        return node
    if isinstance(node, dict) and node.get("type") == "reference" and "name" in node:
        return node["name"]
    raise ValueError(f"not a named reference: {json.dumps(node)}")


def literal(node):
    """A literal's value: bare, or {"type": "literal", "value": ...}."""
    if isinstance(node, dict):
        if node.get("type") != "literal":
            raise ValueError(f"not a literal: {json.dumps(node)}")
        return node["value"]
    return node


def literals(node) -> list:
    if isinstance(node, dict):
        if node.get("type") != "literals":
            raise ValueError(f"not a list of literals: {json.dumps(node)}")
        return list(node["values"])
    return [literal(v) for v in node]


def expression(node) -> BooleanExpression:
    """The spec's Expression JSON (preferred child/left/right or deprecated term/value forms)."""
    if node is True:
        return AlwaysTrue()
    if node is False:
        return AlwaysFalse()
    kind = node["type"]
    if kind == "true":
        return AlwaysTrue()
    if kind == "false":
        return AlwaysFalse()
    if kind in ("and", "or"):
        op = And if kind == "and" else Or
        return op(expression(node["left"]), expression(node["right"]))
    if kind == "not":
        return Not(expression(node["child"]))
    if kind in UNARY:
        return UNARY[kind](reference(node.get("child", node.get("term"))))
    if kind in SETS:
        return SETS[kind](reference(node.get("child", node.get("term"))), literals(node["values"]))
    if kind in COMPARISONS:
        term = node["left"] if "left" in node else node["term"]
        value = node["right"] if "right" in node else node["value"]
        return COMPARISONS[kind](reference(term), literal(value))
    raise ValueError(f"unknown expression type {kind!r}")


def plan(table, request: dict) -> list:
    snapshot = request.get("snapshotId")
    scan = table.scan(
        row_filter=expression(request.get("filter", True)),
        snapshot_id=None if snapshot is None else int(snapshot),
        case_sensitive=request.get("caseSensitive", True),
    )
    return [
        {
            "dataFile": task.file.file_path,
            "deleteFiles": sorted(d.file_path for d in task.delete_files),
        }
        for task in scan.plan_files()
    ]


def main() -> None:
    props = {}
    if os.environ.get("LH_S3_ENDPOINT"):
        props = {
            "s3.endpoint": os.environ["LH_S3_ENDPOINT"],
            "s3.access-key-id": os.environ["LH_S3_ACCESS_KEY_ID"],
            "s3.secret-access-key": os.environ["LH_S3_SECRET_ACCESS_KEY"],
            "s3.region": os.environ.get("LH_S3_REGION", "us-east-1"),
        }
    catalog = load_catalog("lakehouse", type="rest", uri=os.environ["LH_CATALOG_URI"], **props)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            started = time.perf_counter()
            table = catalog.load_table(request["table"])
            load_ms = (time.perf_counter() - started) * 1000
            runs = int(request.get("runs", 0))
            if runs == 0:
                answer = {"tasks": plan(table, request)}
            else:
                durations = []
                tasks: list = []
                for _ in range(runs):
                    started = time.perf_counter()
                    tasks = plan(table, request)
                    durations.append((time.perf_counter() - started) * 1000)
                answer = {"tasks": tasks, "loadMs": load_ms, "planMs": durations}
        except Exception as e:  # noqa: BLE001 - every failure is answered, the loop goes on
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
