"""Longer fuzzing of every importer: the properties of tests/test_fuzz_import.py at scale.

Each input (a real export damaged by truncation, flipped / inserted / deleted bytes,
re-encoding, NUL bytes and enormous fields, or arbitrary bytes) must either import or fail
with review.errors.InputError naming the file, leaving the database as it was. Prints how
many inputs were tried per format and every failure found (none expected).

    python benchmarks/fuzz_import.py [--examples 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from test_fuzz_import import _BYTES, _import_once, damaged  # noqa: E402


def _check(name: str, mode: str, forced: str, tried: list[int], found: list[str]):
    def one(data: bytes) -> None:
        tried[0] += 1
        with tempfile.TemporaryDirectory() as tmp:
            try:
                _import_once(Path(tmp), data, "auto" if mode == "auto" else forced)
            except Exception:  # noqa: BLE001 - every failure is a finding to report
                found.append(f"{name}/{mode}: {traceback.format_exc(limit=3)}")
                raise
    return one


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=500, help="inputs per format and mode")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    failures: list[str] = []
    total = 0
    print(f"{'seed file':<14} {'mode':<6} {'inputs':>7} {'seconds':>8} {'failures':>9}")
    cases = [(name, mode) for name in sorted(_BYTES) for mode in ("auto", "given")] + [("bytes", "auto")]
    for name, mode in cases:
        tried = [0]
        found: list[str] = []
        forced = name if name == "endnote-xml" else name.split("-")[0]
        strategy = st.binary(max_size=4_000) if name == "bytes" else damaged(_BYTES[name])

        one = _check(name, mode, forced, tried, found)
        run = seed(args.seed)(settings(max_examples=args.examples, deadline=None, database=None,
                                       suppress_health_check=list(HealthCheck))(given(strategy)(one)))
        started = time.perf_counter()
        with contextlib.suppress(Exception):  # hypothesis re-raises the shrunk failure, kept in found
            run()
        seconds = time.perf_counter() - started
        total += tried[0]
        failures.extend(found[-1:])
        print(f"{name:<14} {mode:<6} {tried[0]:>7} {seconds:>8.1f} {len(found):>9}")
    print(f"\n{total} inputs tried, {len(failures)} failing cases")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
