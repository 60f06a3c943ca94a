"""Loaded by every Python subprocess of a PostgreSQL test run (tests/conftest.py puts this
folder on PYTHONPATH): the same SQLite-to-PostgreSQL mapping as in the pytest process."""

import os
import sys

if os.environ.get("REVIEW_TEST_BACKEND"):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    from tests import postgres_support

    if postgres_support.on_postgres():
        postgres_support.install()
