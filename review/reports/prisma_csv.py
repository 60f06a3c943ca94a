"""prisma.csv: the PRISMA2020 R package's count template, written and read.

Columns ``data,node,box,description,boxtext,tooltips,url,n``; one row per template key, in
the template's order, so the file loads into the package's ``PRISMA_data()`` and its Shiny
app. List fields hold ``Name, n; Name, n``: the package takes the text before the first
comma as the name, so names are cleaned of commas and semicolons. Reading accepts the
same layout from any tool (``review report prisma --from FILE``).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from review.errors import FormatError, InputError
from review.reports.prisma_config import PrismaConfig
from review.reports.prisma_counts import PrismaCounts, check_arithmetic

COLUMNS = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")

#: (data, node, box, description), exactly as the template has them (organisation_results has
#: an empty node there, not "NA").
TEMPLATE: tuple[tuple[str, str, str, str], ...] = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of review"),
    ("NA", "node6", "newstud", "Yellow title box; Identification of new studies via databases and registers"),
    ("database_results", "node7", "box2", "Records identified from: Databases"),
    ("database_specific_results", "NA", "box2", "Records identified from: specific databases"),
    ("register_results", "NA", "box2", "Records identified from: Registers"),
    ("register_specific_results", "NA", "box2", "Records identified from: specific registers"),
    ("NA", "node16", "othstud", "Grey title box; Identification of new studies via other methods"),
    ("website_results", "node17", "box11", "Records identified from: Websites"),
    ("organisation_results", "", "box11", "Records identified from: Organisations"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching"),
    ("duplicates", "node8", "box3", "Duplicate records"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought for retrieval (databases and registers)"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved (databases and registers)"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility (databases and registers)"),
    ("dbr_excluded", "node14", "box9", "Reports excluded (databases and registers): [separate reasons and numbers "
     "using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)"),
    ("other_excluded", "node21", "box15", "Reports excluded (other): [separate reasons and numbers using ; "
     "e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]"),
    ("new_studies", "node15", "box10", "New studies included in review"),
    ("new_reports", "NA", "box10", "Reports of new included studies"),
    ("total_studies", "node22", "box16", "Total studies included in review"),
    ("total_reports", "NA", "box16", "Reports of total included studies"),
    ("identification", "node1", "identification", "Blue identification box"),
    ("screening", "node2", "screening", "Blue screening box"),
    ("included", "node3", "included", "Blue included box"),
    ("total_studies_ma", "node23", "box17", "Total studies included in meta-analysis"),
    ("total_reports_ma", "NA", "box17", "Reports of total included studies in meta-analysis"),
)

#: (tooltips, url) by data key (by box for the title rows), exactly as the template has them:
#: the Shiny app links each box through them.
LINKS: dict[str, tuple[str, str]] = {
    "prevstud": ("Grey title box; Previous studies", "prevstud.html"),
    "previous_studies": ("Studies included in previous version of review", "previous_studies.html"),
    "previous_reports": ("NA", "previous_reports.html"),
    "newstud": ("Yellow title box; Identification of new studies via databases and registers", "newstud.html"),
    "database_results": ("Records identified from: Databases and Registers", "database_results.html"),
    "database_specific_results": ("NA", "database_results.html"),
    "register_results": ("NA", "NA"),
    "register_specific_results": ("NA", "database_results.html"),
    "othstud": ("Grey title box; Identification of new studies via other methods", "othstud.html"),
    "website_results": ("Records identified from: Websites, Organisations and Citation Searching",
                        "website_results.html"),
    "organisation_results": ("NA", "NA"),
    "citations_results": ("NA", "NA"),
    "duplicates": ("Duplicate records", "duplicates.html"),
    "excluded_automatic": ("NA", "NA"),
    "excluded_other": ("NA", "NA"),
    "records_screened": ("Records screened (databases and registers)", "records_screened.html"),
    "records_excluded": ("Records excluded (databases and registers)", "records_excluded.html"),
    "dbr_sought_reports": ("Reports sought for retrieval (databases and registers)", "dbr_sought_reports.html"),
    "dbr_notretrieved_reports": ("Reports not retrieved (databases and registers)", "dbr_notretrieved_reports.html"),
    "other_sought_reports": ("Reports sought for retrieval (other)", "other_sought_reports.html"),
    "other_notretrieved_reports": ("Reports not retrieved (other)", "other_notretrieved_reports.html"),
    "dbr_assessed": ("Reports assessed for eligibility (databases and registers)", "dbr_assessed.html"),
    "dbr_excluded": ("Reports excluded (databases and registers)", "dbrexcludedrecords.html"),
    "other_assessed": ("Reports assessed for eligibility (other)", "other_assessed.html"),
    "other_excluded": ("Reports excluded (other)", "other_excluded.html"),
    "new_studies": ("New studies included in review", "new_studies.html"),
    "new_reports": ("NA", "NA"),
    "total_studies": ("Total studies included in review", "total_studies.html"),
    "total_reports": ("NA", "NA"),
    "identification": ("Blue identification box", "identification.html"),
    "screening": ("Blue screening box", "screening.html"),
    "included": ("Blue included box", "included.html"),
    "total_studies_ma": ("Total studies included in meta-analysis", "total_studies_meta_analysis.html"),
    "total_reports_ma": ("NA", "NA"),
}

LIST_FIELDS = ("database_specific_results", "register_specific_results", "dbr_excluded", "other_excluded")
#: Keys the database cannot know (a previous version of the review, a meta-analysis).
NOT_DERIVED = ("previous_studies", "previous_reports", "total_studies_ma", "total_reports_ma")
_BOXTEXT = {"prevstud": "Previous studies", "box1": "Studies included in previous version of review",
            "previous_reports": "Reports of studies included in previous version of review",
            "total_studies_ma": "Total studies included in meta-analysis",
            "total_reports_ma": "Reports of total included studies in meta-analysis",
            "database_specific_results": "Specific Databases", "register_specific_results": "Specific Registers"}
_LABEL_KEY = {"newstud": "newstud", "othstud": "othstud", "dbr_excluded": "dbr_excluded",
              "other_excluded": "other_excluded"}


def clean_name(name: str) -> str:
    """A name the package can split: no commas or semicolons, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[,;]", " ", name)).strip()


def _list_text(items: list[tuple[str, int | None]]) -> str:
    return "; ".join(f"{clean_name(name)}, {'NA' if n is None else n}" for name, n in items)


def write_csv(counts: PrismaCounts, config: PrismaConfig) -> str:
    """The template filled with the derived counts and the diagram's labels."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for data, node, box, description in TEMPLATE:
        key = data if data != "NA" else box
        label_key = _LABEL_KEY.get(key, key)
        boxtext = config.labels.get(label_key) or _BOXTEXT.get(key) or _BOXTEXT.get(box) or description
        boxtext = boxtext.rstrip(":")
        tooltip, url = LINKS[key]
        if data == "NA" or data in ("identification", "screening", "included"):
            n: Any = 0
        elif (data in NOT_DERIVED and data not in counts.values) or not counts.reported(data):
            n = "NA" if data not in LIST_FIELDS else _list_text(counts.values.get(data, []))
        elif data in LIST_FIELDS:
            n = _list_text(counts.values.get(data, []))
        else:
            n = counts.n(data)
        writer.writerow((data, node, box, description, boxtext, tooltip, url, n))
    return buffer.getvalue()


#: What the template and other tools write for a count not reported: kept as None, drawn "NA".
NOT_REPORTED = ("", "NA", "XXX", "N/A")


def _number(text: str, path: Path, line: int) -> int | None:
    value = text.strip().replace(",", "").replace(" ", "")
    if value.upper() in NOT_REPORTED:
        return None
    if not value.isdigit():
        raise FormatError(f"not a whole number: {text!r}", path=path, line=line, field="n")
    return int(value)


def _items(text: str, path: Path, line: int) -> list[tuple[str, int | None]]:
    items = []
    for part in (p.strip() for p in text.split(";")):
        if not part or part.upper() == "NA":
            continue
        name, sep, n = part.partition(",")
        if not sep and part.replace(",", "").isdigit():
            items.append(("Reports excluded", _number(part, path, line)))
            continue
        if not sep:
            raise FormatError(f"expected 'Name, n' items separated by ';', got {part!r}", path=path,
                              line=line, field="n")
        items.append((name.strip(), _number(n, path, line)))
    return items


def read_csv(path: str | Path) -> tuple[PrismaCounts, dict[str, str]]:
    """Counts and box texts from a PRISMA2020 template CSV.

    Returns:
        The counts (arithmetic checked: problems listed, never silently fixed; a count the
        file leaves as ``xxx``, ``NA`` or blank is None, not reported, and drawn "NA") and
        the labels the file's ``boxtext`` column gives, by our label keys.

    Raises:
        FormatError: missing columns, an unknown data key, a number that is not one.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", path=path) from exc
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("data", "box", "n") if c not in (reader.fieldnames or [])]
    if missing:
        raise FormatError(f"missing column {missing[0]!r} (the PRISMA2020 template has "
                          f"{', '.join(COLUMNS)})", path=path, line=1, field=missing[0])
    known = {data for data, _node, _box, _d in TEMPLATE}
    values: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        data = (row.get("data") or "NA").strip()
        box = (row.get("box") or "").strip()
        if data not in known:
            raise FormatError(f"unknown data key {data!r}", path=path, line=line, field="data")
        n = row.get("n") or ""
        if data in LIST_FIELDS:
            values[data] = _items(n, path, line)
        elif data != "NA":
            values[data] = _number(n, path, line)
        boxtext = (row.get("boxtext") or "").strip()
        key = data if data != "NA" else box
        if boxtext and boxtext.upper() != "NA" and not re.search(r"\d{5,}$", boxtext):
            labels[key] = boxtext
    for data in LIST_FIELDS:
        values.setdefault(data, [])
    for data in known - {"NA"} - set(LIST_FIELDS):
        values.setdefault(data, None)
    counts = PrismaCounts(values=values)
    counts.problems = check_arithmetic(counts)
    return counts, labels
