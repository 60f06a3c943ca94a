"""`review export records`: fixed CSV columns, and RIS export that imports back identically."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.corpus import export_records, import_files
from review.store import Store
from tests.postgres_support import Database

FIXED = ["record_id", "work_id", "source", "source_position", "source_id", "title", "authors",
         "year", "journal", "volume", "issue", "pages", "doi", "pmid"]
COMPARED = ("title", "authors", "year", "journal", "journal_abbrev", "volume", "issue", "pages",
            "page_first", "page_last", "doi", "pmid", "abstract", "keywords", "type", "language",
            "issn", "isbn", "url", "publisher")

RIS = """TY  - JOUR
ID  - cin-001
AU  - Smith, John A.
AU  - van der Berg, Anna
TI  - Peer support &amp; <i>perinatal</i> depression.
T2  - Journal of Reproductive and Infant Psychology
J2  - J Reprod Infant Psychol
PY  - 2019
VL  - 37
IS  - 2
SP  - 1012
EP  - 24
DO  - 10.1080/02646838.2019.1234567
AB  - A qualitative study.
KW  - peer support
KW  - perinatal
LA  - English
SN  - 0264-6838
ER  -
"""


def _rows(db: Path) -> list[dict]:
    with Database(db) as con:
        return [r._asdict() for r in con.execute("select * from records order by id")]


def test_csv_export_has_the_contract_columns(cli, workspace, tmp_path: Path) -> None:
    export = tmp_path / "cinahl.ris"
    export.write_text(RIS, encoding="utf-8")
    cli("import", str(export), "--source", "CINAHL")
    out = tmp_path / "records.csv"
    result = cli("export", "records", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames[: len(FIXED)] == FIXED
        row = next(reader)
    assert row["source"] == "CINAHL"
    assert row["source_position"] == "1"
    assert row["source_id"] == "cin-001"
    assert row["title"] == "Peer support & perinatal depression"
    assert row["authors"] == "Smith, John A.; van der Berg, Anna"
    assert row["pages"] == "1012-1024"
    assert row["doi"] == "10.1080/02646838.2019.1234567"
    assert row["language"] == "en"


def _roundtrip(tmp: Path, ris_text: str) -> tuple[list[dict], list[dict]]:
    first = tmp / "first.ris"
    first.write_text(ris_text, encoding="utf-8")
    a = Store.open(f"sqlite:///{tmp / 'a.db'}")
    import_files(a, [first], actor="t")
    exported = tmp / "exported.ris"
    export_records(a, "ris", exported)
    a.close()
    b = Store.open(f"sqlite:///{tmp / 'b.db'}")
    import_files(b, [exported], actor="t")
    b.close()
    return _rows(tmp / "a.db"), _rows(tmp / "b.db")


def test_ris_export_imports_back_with_the_same_fields(tmp_path: Path) -> None:
    before, after = _roundtrip(tmp_path, RIS)
    assert [{k: r[k] for k in COMPARED} for r in before] == [{k: r[k] for k in COMPARED} for r in after]
    assert json.loads(after[0]["authors"])[1] == {"family": "van der Berg", "given": "Anna"}


_word = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x17F), min_size=2, max_size=10)
_words = st.lists(_word, min_size=1, max_size=8).map(" ".join)
_record = st.fixed_dictionaries({
    "TY": st.sampled_from(["JOUR", "BOOK", "CHAP", "THES", "RPRT", "CONF"]),
    "TI": _words,
    "AU": st.lists(st.tuples(_word.map(str.capitalize), _word.map(str.capitalize)), min_size=0, max_size=5),
    "PY": st.integers(1950, 2026).map(str),
    "T2": _words,
    "VL": st.integers(1, 300).map(str),
    "SP": st.integers(1, 5000),
    "DO": st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9.]{3,12}", fullmatch=True),
    "KW": st.lists(_words, max_size=4, unique=True),
    "M3": st.sampled_from(["", "Review", "Erratum", "Letter"]),
})


def _to_ris(records: list[dict]) -> str:
    lines = []
    for rec in records:
        lines.append(f"TY  - {rec['TY']}")
        lines.append(f"TI  - {rec['TI']}")
        lines.extend(f"AU  - {family}, {given}" for family, given in rec["AU"])
        lines += [f"PY  - {rec['PY']}", f"T2  - {rec['T2']}", f"VL  - {rec['VL']}",
                  f"SP  - {rec['SP']}", f"EP  - {rec['SP'] + 7}", f"DO  - {rec['DO']}"]
        lines.extend(f"KW  - {kw}" for kw in rec["KW"])
        if rec["M3"]:
            lines.append(f"M3  - {rec['M3']}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_record, min_size=1, max_size=4))
def test_ris_round_trip_property(records: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        before, after = _roundtrip(Path(tmp), _to_ris(records))
    assert len(before) == len(after) == len(records)
    for a, b in zip(before, after, strict=True):
        assert {k: a[k] for k in COMPARED} == {k: b[k] for k in COMPARED}
