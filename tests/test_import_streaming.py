"""Big files parsed in pieces, and by worker processes, give exactly what a whole-file parse
gives: the same rows in the same order, the same first error with the same FILE:LINE, and an
untouched database when that error stops an import. Also: the RIS line reader's short cut
reads every line as the line pattern does.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.corpus import formats, import_files, streaming
from review.corpus.formats import ris
from review.errors import FormatError, InputError
from review.store import Store
from tests.postgres_support import Database

PATH = Path("big.txt")


# -- RIS lines: the short cut against the pattern alone ------------------------------------

def _reference_read_records(text: str) -> list[tuple[int, dict[str, list[str]]]]:
    """The reader before its short cut: every line through ``ris._LINE``."""
    records: list[tuple[int, dict[str, list[str]]]] = []
    record = last = None
    start, last_is_list, after_er = 0, False, False
    for number, line in enumerate(text.split("\n"), start=1):
        tag, value = ris._LINE.match("\n" + line).groups()
        if not tag:
            if value == "ER":
                tag = "ER"
            else:
                if record is None:
                    after_er = False
                elif value and last is not None:
                    value = value.strip()
                    if last_is_list:
                        last.append(value)
                    else:
                        last[-1] = f"{last[-1]}\n{value}" if last[-1] else value
                continue
        if tag == "TY":
            if record is not None:
                raise FormatError(f"record starting on line {start} has no ER before the next TY",
                                  path=PATH, line=number, field="TY")
            last = [value]
            record, start, last_is_list = {"TY": last}, number, False
        elif tag == "ER":
            if record is None:
                raise FormatError("ER (end of record) without a TY before it", path=PATH, line=number, field="ER")
            records.append((start, record))
            record = last = None
            after_er = True
        elif record is not None:
            last = record.setdefault(tag, [])
            last.append(value)
            last_is_list = tag in ris.LIST_TAGS
        elif records and after_er:
            records[-1][1].setdefault(tag, []).append(value)
        else:
            raise FormatError(f"{tag} line outside a record: a TY line is missing before it",
                              path=PATH, line=number, field=tag)
    if record is not None:
        raise FormatError(f"last record (starting on line {start}) is truncated: no ER line",
                          path=PATH, line=start, field="ER")
    return records


def _outcome(read, text: str):
    try:
        return read(text)
    except FormatError as exc:
        return str(exc)


_TAG = st.sampled_from(["TY", "ER", "AU", "KW", "TI", "AB", "N1", "NL", "DO", "PMID", "ab", "T2", "A1"])
_SEP = st.sampled_from(["  - ", "  -  ", " - ", "   - ", "    - ", "  -", "  -\t", "-  ", "  – "])
_VALUE = st.one_of(
    st.text(alphabet=" \tab1é\u00a0\u2003\x1c\x0b&{-", max_size=6),
    st.sampled_from([" \tx", "x \t", " x\u2003", "\u00a0", "\tx", "  x  "]),
)
_LINE_ST = st.one_of(
    st.builds(lambda t, s, v: t + s + v, _TAG, _SEP, _VALUE),
    _VALUE,
    st.sampled_from(["", "ER", " ER ", "TY  - JOUR", "ER  - ", "1.", "Provider: x"]),
)


_RECORD_ST = st.builds(lambda body: ["TY  - JOUR", *body, "ER  - "], st.lists(_LINE_ST, max_size=5))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_RECORD_ST, st.lists(_LINE_ST, max_size=2)), max_size=5), st.booleans())
def test_ris_short_cut_reads_lines_as_the_pattern_does(blocks: list[list[str]], newline: bool) -> None:
    text = "\n".join(line for block in blocks for line in block) + ("\n" if newline else "")
    assert _outcome(lambda t: ris.read_records(t, PATH), text) == _outcome(_reference_read_records, text)


def test_ris_reader_splits_long_text_in_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _ris_file(random.Random(1), 60)
    whole = ris.read_records(text, PATH)
    monkeypatch.setattr(ris, "_BLOCK", 50)
    assert ris.read_records(text, PATH) == whole == _reference_read_records(text)


# -- files in pieces -----------------------------------------------------------------------

def _ris_file(rng: random.Random, n: int) -> str:
    out = ["Provider: a header line\n\n"]
    for i in range(n):
        out.append(f"{i + 1}.\nTY  - JOUR\nID  - r{i}\nAU  - Smith, J\nAU  - Jones, Ånne\n")
        out.append(f"TI  - Title {i} &amp; more\nAB  - An abstract  with\n  a continued line\n")
        if rng.random() < 0.3:
            out.append("KW  - one\ntwo\nthree\n")
        out.append(f"PY  - {2000 + i % 20}\nSP  - 10{i}\nEP  - {i % 9}\nDO  - 10.1000/x{i}\n")
        out.append("ER  - \n" if rng.random() < 0.8 else "ER  -\n")
        if rng.random() < 0.2:
            out.append("NL  - after ER (Ovid)\n")
        out.append("\n" * rng.randint(0, 2))
    return "".join(out)


def _bibtex_file(rng: random.Random, n: int) -> str:
    out = ["% a comment line\n\n"]
    for i in range(n):
        key = f"k{rng.randint(0, n // 2)}"  # keys repeat, across pieces too
        out.append(f"@article{{{key},\n  title = {{Title {i}}},\n  author = {{Smith, J and Jones, K}},\n")
        if rng.random() < 0.2:
            out.append("  pages = {1} # {2},\n")  # enclosing removed only when the key is new
        if rng.random() < 0.1:
            out.append("  title = {Again},\n")  # a repeated field
        out.append(f"  year = {2000 + i % 20},\n  doi = {{10.1000/b{i}}}\n}}\n\n")
    return "".join(out)


def _whole(importer, text: str):
    try:
        return [row for row in streaming.rows(importer.parse(text, PATH))]
    except InputError as exc:
        return str(exc)


def _pieces(importer, text: str, workers: int):
    try:
        return [row for batch in streaming.row_batches(importer, text, PATH, workers=workers) for row in batch]
    except InputError as exc:
        return str(exc)


def _break(text: str, rng: random.Random, kind: str) -> str:
    """``text`` with one record damaged somewhere."""
    lines = text.split("\n")
    if kind == "ris":
        candidates = [i for i, line in enumerate(lines) if line.startswith("ER")]
        lines[rng.choice(candidates)] = "N1  - the ER line went missing"
    else:
        candidates = [i for i, line in enumerate(lines) if line.startswith("  year")]
        lines[rng.choice(candidates)] = "  year = {2001"
    return "\n".join(lines)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["ris", "bibtex"]), st.booleans(), st.integers(40, 400))
def test_pieces_give_what_the_whole_file_gives(seed: int, kind: str, broken: bool, size: int) -> None:
    rng = random.Random(seed)
    text = (_ris_file if kind == "ris" else _bibtex_file)(rng, 25)
    if broken:
        text = _break(text, rng, kind)
    importer = formats.get(kind)
    original, streaming.CHUNK_CHARS = streaming.CHUNK_CHARS, size
    try:
        assert len(importer.chunk_starts(text, size)) > 3
        assert _pieces(importer, text, 0) == _whole(importer, text)
    finally:
        streaming.CHUNK_CHARS = original


@pytest.mark.parametrize("kind", ["ris", "bibtex"])
@pytest.mark.parametrize("broken", [False, True])
def test_worker_processes_give_what_the_whole_file_gives(monkeypatch: pytest.MonkeyPatch, kind: str,
                                                         broken: bool) -> None:
    rng = random.Random(7)
    text = (_ris_file if kind == "ris" else _bibtex_file)(rng, 120)
    if broken:
        text = _break(text, rng, kind)
    monkeypatch.setattr(streaming, "CHUNK_CHARS", 700)
    importer = formats.get(kind)
    expected = _whole(importer, text)
    assert _pieces(importer, text, 2) == expected
    assert isinstance(expected, str) == broken
    if broken:
        assert re.match(rf"{PATH}:\d+: ", expected)


_WORK = streaming._work


def _slow_work(task):  # module level: the pool passes it to the workers by name
    """A worker that finishes nothing until this process has parsed a piece itself (the flag
    file the patched ``_here`` writes): the pieces parsed here no longer depend on timing."""
    flag = Path(os.environ["REVIEW_TEST_HERE_FLAG"])
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    return _WORK(task)


@pytest.mark.parametrize("kind", ["ris", "bibtex"])
@pytest.mark.parametrize("broken", [False, True])
def test_pieces_parsed_here_while_workers_are_busy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                   kind: str, broken: bool) -> None:
    flag = tmp_path / "parsed-here"
    monkeypatch.setenv("REVIEW_TEST_HERE_FLAG", str(flag))
    rng = random.Random(8)
    text = (_ris_file if kind == "ris" else _bibtex_file)(rng, 120)
    if broken:
        text = _break(text, rng, kind)
    monkeypatch.setattr(streaming, "CHUNK_CHARS", 700)
    monkeypatch.setattr(streaming, "_work", _slow_work)
    here = []
    parse_here = streaming._here


    def parsed_here(*args):  # type: ignore[no-untyped-def]
        here.append(args[2])
        try:
            return parse_here(*args)
        finally:
            flag.touch()

    monkeypatch.setattr(streaming, "_here", parsed_here)
    importer = formats.get(kind)
    assert _pieces(importer, text, 1) == _whole(importer, text)
    assert here  # some pieces were parsed in this process, not by the worker


def _dying_work(task):  # a worker killed (out of memory, say)
    os._exit(9)


def test_a_worker_that_dies_stops_the_import_and_changes_nothing(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.ris"
    big.write_text(_ris_file(random.Random(4), 150), encoding="utf-8")
    monkeypatch.setattr(streaming, "CHUNK_CHARS", 2_000)
    monkeypatch.setattr(streaming, "PARALLEL_CHARS", 10_000)
    monkeypatch.setattr(streaming, "_default_workers", lambda: 2)
    monkeypatch.setattr(streaming, "_work", _dying_work)
    store = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    with pytest.raises(BrokenProcessPool):
        import_files(store, [big], actor="tester")
    store.close()
    assert _dump(tmp_path / "r.db") == ([], [])


def test_bibtex_with_string_definitions_is_one_piece() -> None:
    text = '@string{jn = "Journal"}\n\n' + _bibtex_file(random.Random(3), 30)
    assert formats.get("bibtex").chunk_starts(text, 100) == [0]
    assert formats.get("bibtex").chunk_starts(text.replace("@string", "@misc"), 100) != [0]


# -- through import_files ------------------------------------------------------------------

def _dump(db: Path) -> tuple[list, list]:
    with Database(db) as con:
        sources = [tuple(row) for row in con.execute("select name, format, records_read from sources order by id")]
        records = [tuple(row) for row in con.execute("select * from records order by id")]
        return sources, records


def test_import_in_worker_processes_stores_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ris_file, bib_file = tmp_path / "big.ris", tmp_path / "big.bib"
    ris_file.write_text(_ris_file(random.Random(11), 150), encoding="utf-8")
    bib_file.write_text(_bibtex_file(random.Random(12), 150), encoding="utf-8")
    dumps = []
    for parallel in (False, True):
        if parallel:
            monkeypatch.setattr(streaming, "CHUNK_CHARS", 2_000)
            monkeypatch.setattr(streaming, "PARALLEL_CHARS", 10_000)
            monkeypatch.setattr(streaming, "_default_workers", lambda: 2)
        store = Store.open(f"sqlite:///{tmp_path / f'{parallel}.db'}")
        results = import_files(store, [ris_file, bib_file], actor="tester")
        store.close()
        assert [r.records for r in results] == [150, 150]
        dumps.append(_dump(tmp_path / f"{parallel}.db"))
    assert dumps[0] == dumps[1]
    assert dumps[0][0] == [("big", "ris", 150), ("big", "bibtex", 150)]
    with Database(tmp_path / "True.db") as con:
        kind = "'text'" if con.postgres else "typeof(original)"  # SQLite stores what it is given
        stored = con.execute(f"select {kind}, original from records order by id").fetchall()
    assert {kind for kind, _ in stored} == {"text"}
    parsed = formats.get("ris").parse(ris_file.read_text(encoding="utf-8"), ris_file)
    assert [json.loads(text) for _, text in stored[:150]] == [p.original for p in parsed]


def test_an_error_in_a_late_piece_leaves_the_database_as_it_was(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    good = tmp_path / "good.ris"
    good.write_text(_ris_file(random.Random(1), 5), encoding="utf-8")
    import_files(store, [good], actor="tester")
    before = _dump(tmp_path / "r.db")
    lines = _ris_file(random.Random(2), 150).split("\n")
    last_er = max(i for i, line in enumerate(lines) if line.startswith("ER"))
    lines[last_er] = "N1  - no ER"
    bad = tmp_path / "bad.ris"
    bad.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.setattr(streaming, "CHUNK_CHARS", 2_000)
    monkeypatch.setattr(streaming, "PARALLEL_CHARS", 10_000)
    monkeypatch.setattr(streaming, "_default_workers", lambda: 2)
    other = tmp_path / "other.ris"
    other.write_text(_ris_file(random.Random(3), 150), encoding="utf-8")
    with pytest.raises(FormatError, match=rf"^{re.escape(str(bad))}:\d+: ER: last record .* truncated"):
        import_files(store, [other, bad], actor="tester")
    store.close()
    assert _dump(tmp_path / "r.db") == before
