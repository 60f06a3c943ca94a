"""Theory testing and theory histories as text for the terminal.

Labels follow the seed's final-model fonts: a theory with no evidence is struck through
(ANSI on a terminal, ``~~label~~`` otherwise), a new (inductive) theory is in CAPITALS.
"""

from __future__ import annotations

from typing import Any

from review.synthesis.protocol import CMO_LABELS
from review.synthesis.testing import STATUSES

_STRIKE, _UNSTRIKE = "\x1b[9m", "\x1b[29m"


def styled_label(item: dict[str, Any], *, ansi: bool) -> str:
    """A theory's label as the final model shows it."""
    label = item["label"]
    if item["status"] == "new":
        return label.upper()
    if item["status"] == "not-supported":
        return f"{_STRIKE}{label}{_UNSTRIKE}" if ansi else f"~~{label}~~"
    return label


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts.get(s))


def format_theories(report: dict[str, Any], *, ansi: bool = False) -> str:
    """``review theories``: one table per topic, counts per status in each heading."""
    if not report["theories"]:
        topics = ", ".join(t["id"] for t in report["topics"])
        return ("No theories yet: write them in protocols/theories.yaml"
                + (f" (topics: {topics})" if topics else "")
                + ", or add an inductive one with `review theories add`.")
    header = f"{'ID':<8} {'status':<13} {'v':>2} {'frag':>4} {'docs':>4} {'stud':>4}  {'S/R/Rf':<8} {'C-M-O':<7} label"
    lines: list[str] = []
    for topic in report["topics"]:
        if lines:
            lines.append("")
        counts = _counts(topic["counts"])
        lines.append(f"{topic['label']} ({topic['id']}): {topic['theories']} theories"
                     + (f": {counts}" if counts else ""))
        lines.append(header)
        for item in (i for i in report["theories"] if i["topic"] == topic["id"]):
            links = "/".join(str(len(item[k]["fragments"])) for k in ("supporting", "refuting", "refining"))
            shape = "-" if not item["fragments"] else ("partial" if item["partial"] else "full")
            status = item["status"] + ("*" if item["contested"] else "")
            lines.append(f"{item['id']:<8} {status:<13} {item['version']:>2} {item['fragments']:>4} "
                         f"{item['documents']:>4} {item['studies']:>4}  {links:<8} {shape:<7} "
                         f"{styled_label(item, ansi=ansi)}")
    if any(i["contested"] for i in report["theories"]):
        lines += ["", "* contested: supporting and refuting evidence"]
    lines += ["", "S/R/Rf: fragments supporting / refuting / refining; C-M-O: full when a fragment gives "
              "context, mechanism and outcome"]
    return "\n".join(lines)


def format_history(history: dict[str, Any]) -> str:
    """``review theories history ID``: each version, what it changed, who, when and why."""
    lines = [f"{history['id']} ({history['topic']}, {history['origin']}): {history['status']}"]
    previous: dict[str, Any] | None = None
    for version in history["versions"]:
        lines.append("")
        when = str(version["at"]).replace("T", " ")[:16]
        head = f"v{version['version']} {version['change']}  {when}  by {version['actor']}"
        if version["fragments"]:
            marks = version.get("directions") or {}
            head += "  fragments: " + ", ".join(f"{i}" + (f" ({marks[str(i)]})" if str(i) in marks else "")
                                               for i in version["fragments"])
        lines.append(head)
        if version["reason"]:
            lines.append(f"  why: {version['reason']}")
        for name, title in (("label", "Label"), *CMO_LABELS.items()):
            now, before = version[name] or "", (previous or {}).get(name) or ""
            if previous is None:
                if now:
                    lines.append(f"  {title}: {now}")
            elif now != before:
                if not before:
                    lines.append(f"  {title}: + {now}")
                elif now.startswith(f"{before}; "):  # an addition to what was there
                    lines.append(f"  {title}: + {now[len(before) + 2:]}")
                elif not now:
                    lines.append(f"  {title}: - {before}")
                else:
                    lines.append(f"  {title}: {before}  ->  {now}")
        previous = version
    return "\n".join(lines)
