"""PubMed XML import speed and memory: `review import` of generated <PubmedArticleSet> files.

Generates N realistic PubMed records (5 authors with affiliations, a structured abstract of
about 1,200 characters, MeSH headings, keywords, history dates, article ids) written as
PubMed's "Send to: File, XML" writes them, then imports each size in its own process into
a new SQLite database and prints records/s and the process's peak memory beside the size
of the file's text (which the importer holds, decoded, like every format's).

Usage:
    python benchmarks/pubmed_xml_speed.py [--records 10000 100000] [--keep DIR]

Target (issue 23): >= 5,000 records/s at 100,000 records, memory flat in the file's size
(the peak comes while the file's bytes are decoded into text, both held for a moment as
for every format: peak minus file minus text, the parse's own share, stays about the same
from 10,000 to 100,000 records). The import of an XML file
runs in one process, so on a busy machine "records/CPU s" is what a quiet one gives.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

WORDS = ("peer support perinatal mental health mothers depression anxiety postnatal antenatal community "  # noqa: SIM905
         "volunteer intervention qualitative randomised trial outcomes wellbeing women pregnancy infant "
         "parenting loneliness stigma services midwife evaluation realist review mechanism context").split()
SURNAMES = "Smith Jones McLeish Ayers McCourt Redshaw Dennis Leger Shorey Chan Kumar Nguyen Müller García".split()  # noqa: SIM905
GIVEN = "Anna Ben Carla David Eve Fatima George Hana Ivan Julia Kofi Lena".split()  # noqa: SIM905
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # noqa: SIM905
HEAD = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
        '2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n')


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _article(rng: random.Random, pmid: int) -> str:
    authors = "".join(
        f"<Author ValidYN=\"Y\"><LastName>{rng.choice(SURNAMES)}</LastName><ForeName>{rng.choice(GIVEN)}"
        f"</ForeName><Initials>{rng.choice('ABCDEFGH')}</Initials><AffiliationInfo><Affiliation>"
        f"Department of {_words(rng, 2)}, University of {rng.choice(SURNAMES)}.</Affiliation>"
        "</AffiliationInfo></Author>\n" for _ in range(5))
    sections = "".join(
        f'<AbstractText Label="{label}" NlmCategory="{label}">{escape(_words(rng, 40).capitalize())}.'
        "</AbstractText>\n" for label in ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS"))
    mesh = "".join(f'<MeshHeading><DescriptorName UI="D{rng.randint(1, 99999):06d}" MajorTopicYN="N">'
                   f"{_words(rng, 2).title()}</DescriptorName></MeshHeading>\n" for _ in range(8))
    year, first = rng.randint(1990, 2025), rng.randint(1, 2000)
    doi = f"10.{rng.randint(1000, 9999)}/ex.{pmid}"
    return (
        f'<PubmedArticle>\n<MedlineCitation Status="MEDLINE" Owner="NLM">\n<PMID Version="1">{pmid}</PMID>\n'
        f'<Article PubModel="Print-Electronic">\n<Journal>\n<ISSN IssnType="Electronic">1471-2393</ISSN>\n'
        f'<JournalIssue CitedMedium="Internet">\n<Volume>{rng.randint(1, 60)}</Volume>\n'
        f"<Issue>{rng.randint(1, 12)}</Issue>\n<PubDate>\n<Year>{year}</Year>\n<Month>{rng.choice(MONTHS)}"
        "</Month>\n</PubDate>\n</JournalIssue>\n<Title>BMC pregnancy and childbirth</Title>\n"
        "<ISOAbbreviation>BMC Pregnancy Childbirth</ISOAbbreviation>\n</Journal>\n"
        f"<ArticleTitle>{_words(rng, 12).capitalize()}.</ArticleTitle>\n<Pagination>\n<MedlinePgn>{first}-"
        f'{first + rng.randint(3, 15)}</MedlinePgn>\n</Pagination>\n<ELocationID EIdType="doi" ValidYN="Y">'
        f"{doi}</ELocationID>\n<Abstract>\n{sections}</Abstract>\n<AuthorList CompleteYN=\"Y\">\n{authors}"
        '</AuthorList>\n<Language>eng</Language>\n<PublicationTypeList>\n<PublicationType UI="D016428">'
        "Journal Article</PublicationType>\n</PublicationTypeList>\n</Article>\n<MedlineJournalInfo>\n"
        "<Country>England</Country>\n<MedlineTA>BMC Pregnancy Childbirth</MedlineTA>\n</MedlineJournalInfo>\n"
        f'<MeshHeadingList>\n{mesh}</MeshHeadingList>\n<KeywordList Owner="NOTNLM">\n<Keyword MajorTopicYN="N">'
        f"{_words(rng, 2)}</Keyword>\n</KeywordList>\n</MedlineCitation>\n<PubmedData>\n<History>\n"
        f'<PubMedPubDate PubStatus="received">\n<Year>{year}</Year>\n<Month>1</Month>\n<Day>2</Day>\n'
        "</PubMedPubDate>\n</History>\n<PublicationStatus>ppublish</PublicationStatus>\n<ArticleIdList>\n"
        f'<ArticleId IdType="pubmed">{pmid}</ArticleId>\n<ArticleId IdType="doi">{doi}</ArticleId>\n'
        "</ArticleIdList>\n</PubmedData>\n</PubmedArticle>\n"
    )


def write_file(path: Path, records: int, seed: int = 23) -> None:
    """The file, written whole or not at all (a run stopped half way leaves no cut file)."""
    rng = random.Random(seed)
    part = path.with_name(path.name + ".part")
    with part.open("w", encoding="utf-8") as out:
        out.write(HEAD)
        for i in range(records):
            out.write(_article(rng, 30_000_000 + i))
        out.write("</PubmedArticleSet>\n")
    part.replace(path)


def text_mb(path: Path) -> float:
    """What the decoded text takes in memory (2 bytes a character once it holds an "ü")."""
    text = path.read_text(encoding="utf-8")
    size = sys.getsizeof(text) / 2**20
    del text
    return size


def measure(path: Path, workdir: Path) -> dict:
    """In this process: import ``path`` into a new SQLite database."""
    from review.corpus import import_files
    from review.store import Store

    db = workdir / f"{path.stem}.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    store = Store.open(f"sqlite:///{db}")
    start, cpu = time.perf_counter(), time.process_time()
    count = import_files(store, [path], actor="bench")[0].records
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    store.close()
    return {"records": count, "seconds": seconds, "cpu": cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--keep", type=Path, help="keep the generated files in this directory")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # one import, in a child process
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.workdir)))
        return
    with tempfile.TemporaryDirectory(prefix="pubmed-xml-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"{'records':>8} {'file MB':>8} {'seconds':>8} {'records/s':>10} {'CPU s':>6} "
              f"{'records/CPU s':>13} {'peak MB':>8} {'peak - file - text MB':>22}")
        for n in args.records:
            path = workdir / f"pubmed-{n}.xml"
            if not path.exists():
                write_file(path, n)
            proc = subprocess.run([sys.executable, __file__, "--measure", str(path), "--workdir", str(workdir)],
                                  capture_output=True, text=True, check=True)
            result = json.loads(proc.stdout)
            size_mb = path.stat().st_size / 2**20
            text = text_mb(path)
            print(f"{result['records']:>8} {size_mb:>8.0f} {result['seconds']:>8.1f} "
                  f"{result['records'] / result['seconds']:>10,.0f} {result['cpu']:>6.1f} "
                  f"{result['records'] / result['cpu']:>13,.0f} {result['peak_mb']:>8.0f} "
                  f"{result['peak_mb'] - size_mb - text:>22.0f}")


if __name__ == "__main__":
    main()
