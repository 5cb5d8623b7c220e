"""Pure helpers shared by the Lakehouse DAGs: SQL builders, retention settings, quality checks.

Nothing in this package talks to Airflow or Trino, so it is tested without either.
"""
