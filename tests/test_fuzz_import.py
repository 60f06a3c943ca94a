"""Hostile input to every importer: each input either imports or fails with our own error.

Property-based (hypothesis): real exports of every format, truncated anywhere, with bytes
flipped, inserted or deleted, re-encoded, or with an enormous field; and arbitrary bytes.
Each import must either succeed or raise review.errors.InputError naming the file; never
another exception, and a failed import leaves the database exactly as it was. A longer run
of the same properties is benchmarks/fuzz_import.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from review.corpus.importer import import_files
from review.errors import InputError
from review.store import Store, schema

EXPORTS = Path(__file__).resolve().parent / "data" / "exports"
#: One small real export per format (and dialect families), read as bytes once.
SEEDS = {
    "ris": EXPORTS / "asreview" / "scopus.ris",
    "ris-ovid": EXPORTS / "asreview" / "ovid_psycinfo.ris",
    "medline": EXPORTS / "asreview" / "pubmed_endnote.txt",
    "bibtex": EXPORTS / "colrev" / "scopus_bib.bib",
    "csv": EXPORTS / "colrev" / "ieee_csv.csv",
    "wos": EXPORTS / "asreview" / "web_of_science.txt",
    "endnote-xml": next(iter(sorted((EXPORTS / "reflib").glob("*.xml"))), None),
}
SEEDS = {name: path for name, path in SEEDS.items() if path is not None and path.is_file()}
_BYTES = {name: path.read_bytes()[:20_000] for name, path in SEEDS.items()}


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    """A real file damaged the ways real files are damaged (several at once, sometimes)."""
    data = original
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "encode", "huge", "nul"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip":
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1:]
        elif kind == "insert":
            data = data[:at] + draw(st.binary(min_size=1, max_size=64)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 200)):]
        elif kind == "encode":
            codec = draw(st.sampled_from(["utf-16", "utf-16-be", "cp1252", "latin-1", "utf-32"]))
            data = data.decode("utf-8", "replace").encode(codec, "replace")
        elif kind == "huge":
            data = data[:at] + b"x" * draw(st.sampled_from([70_000, 150_000])) + data[at:]
        else:
            data = data[:at] + b"\x00" + data[at:]
    return data


def _counts(store: Store) -> tuple[int, int, int]:
    with store.read() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()
                     for t in (schema.sources, schema.records, schema.events))


def _import_once(tmp_path: Path, data: bytes, fmt: str) -> None:
    store = Store.open("sqlite://")
    path = tmp_path / "export.dat"
    path.write_bytes(data)
    before = _counts(store)
    try:
        import_files(store, [path], actor="fuzz", source="Fuzz", fmt=fmt)
    except InputError as exc:
        assert str(exc).startswith(str(path)) or str(path) in str(exc), str(exc)
        assert _counts(store) == before, "a failed import left rows behind"
    else:
        sources, records, _events = _counts(store)
        assert sources == 1
    finally:
        store.close()


FUZZ = settings(max_examples=10, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(SEEDS))
@pytest.mark.parametrize("fmt", ["auto", "given"])
def test_damaged_real_exports_import_or_fail_with_our_error(tmp_path: Path, name: str, fmt: str) -> None:
    forced = name.split("-")[0] if name != "endnote-xml" else name

    @FUZZ
    @given(damaged(_BYTES[name]))
    def check(data: bytes) -> None:
        _import_once(tmp_path, data, "auto" if fmt == "auto" else forced)

    check()


@FUZZ
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_import_or_fail_with_our_error(tmp_path: Path, data: bytes) -> None:
    _import_once(tmp_path, data, "auto")
