"""Runs the DAG tests without a platform: Airflow gets a throwaway home and SQLite database, and
the DAGs folder is importable the way Airflow's DAG processor makes it (on sys.path)."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

DAGS_DIR = Path(__file__).resolve().parent.parent / "dags"

# Set before anything imports airflow: its configuration is read once, at import.
_home = tempfile.mkdtemp(prefix="lakehouse-airflow-test-")
atexit.register(shutil.rmtree, _home, ignore_errors=True)
os.environ.setdefault("AIRFLOW_HOME", _home)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(DAGS_DIR))
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")

if str(DAGS_DIR) not in sys.path:
    sys.path.insert(0, str(DAGS_DIR))
