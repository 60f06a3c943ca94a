"""What the instrument allows: answers, design categories, which questions a report gets.

MMAT's rules, as data-driven checks:

- every appraised report answers the screening questions (S1, S2); "No" or "Can't tell" to
  either flags that further appraisal may not be feasible;
- a report is rated on its design category's criteria; a category with ``also_rate``
  (MMAT's 5, mixed methods) is also rated on at most one category from each group (the
  qualitative 1 and the relevant quantitative 2, 3 or 4);
- a document the instrument cannot appraise is ``not-applicable``, with a reason, and
  has no answers.
"""

from __future__ import annotations

from collections.abc import Iterable

from review.appraisal.instruments import Instrument
from review.appraisal.tables import CATEGORY_ITEM
from review.errors import InputError

FLAG_ANSWERS = ("no", "cant-tell")


def check_answer(instrument: Instrument, raw: str, *, field: str = "answer") -> str:
    """The instrument's answer id for ``raw`` (e.g. ``Can't tell`` -> ``cant-tell``)."""
    answer = instrument.answer(raw)
    if answer is None:
        raise InputError(f"{raw!r} is not an answer of {instrument.id}; use one of: "
                         f"{', '.join(instrument.answer_ids)}", field=field)
    return answer


def check_category(instrument: Instrument, raw: str, *, field: str = "category") -> str:
    """A category id of the instrument, or its not-applicable id."""
    value = raw.strip()
    lowered = value.casefold().replace(" ", "-").replace("_", "-")
    if lowered in (instrument.not_applicable, "n/a", "na", "not-applicable"):
        return instrument.not_applicable
    if value in instrument.category_ids:
        return value
    for category in instrument.categories:
        if value.casefold() == category.label.casefold():
            return category.id
        head, _, rest = value.replace(".", " ", 1).partition(" ")
        if head == category.id and rest.strip(" .-()").casefold() == category.label.casefold():
            return category.id  # "1. Qualitative", "2 Quantitative randomized controlled trials"
    raise InputError(f"{instrument.id} has no category {raw!r}; use one of: "
                     f"{', '.join([*instrument.category_ids, instrument.not_applicable])}", field=field)


def check_item(instrument: Instrument, raw: str, *, field: str = "item") -> str:
    """A question id of the instrument (a question of a superseded version is refused)."""
    value = raw.strip().rstrip(".")
    ids = {item.id for item in instrument.all_items()}
    if value in ids:
        return value
    head, _, rest = value.partition(" ")
    if head.rstrip(".") in ids and rest and not instrument.superseded_text(rest):
        return head.rstrip(".")
    old = rest if head.rstrip(".") in ids else value
    if instrument.superseded_version and instrument.superseded_text(old):
        raise InputError(f"{raw!r} is a question of {instrument.family.upper()} {instrument.superseded_version}, "
                         f"not of {instrument.id}: never mix versions", field=field)
    raise InputError(f"{instrument.id} has no question {raw!r}; use one of: "
                     f"{', '.join(sorted(ids, key=_item_order))}", field=field)


def _item_order(item_id: str) -> tuple[int, str]:
    return (0 if item_id.upper().startswith("S") else 1, item_id)


def check_design(instrument: Instrument, category: str, subcategories: Iterable[str],
                 *, field: str = "category") -> tuple[str, ...]:
    """The categories a report of ``category`` is also rated on, checked (order kept)."""
    subs = tuple(dict.fromkeys(s for s in subcategories if s != category))
    if category == instrument.not_applicable or not subs:
        return () if category == instrument.not_applicable else subs
    groups = instrument.companions(category)
    if not groups:
        raise InputError(f"category {category} is rated on its own criteria only, not also on "
                         f"{', '.join(subs)}", field=field)
    for sub in subs:
        if not any(sub in members for members in groups.values()):
            allowed = sorted({m for members in groups.values() for m in members})
            raise InputError(f"a category {category} report is also rated on {', '.join(allowed)} only, "
                             f"not on {sub}", field=field)
    for group, members in groups.items():
        chosen = [s for s in subs if s in members]
        if len(chosen) > 1:
            raise InputError(f"a category {category} report is rated on one {group} category, not "
                             f"{' and '.join(chosen)}", field=field)
    order = {cid: n for n, cid in enumerate(instrument.category_ids)}
    return tuple(sorted(subs, key=lambda s: order[s]))


def design_of_items(instrument: Instrument, category: str, item_ids: Iterable[str]) -> tuple[str, ...]:
    """The other categories whose criteria appear among ``item_ids`` (for a mixed design)."""
    found = []
    for item_id in item_ids:
        if item_id == CATEGORY_ITEM:
            continue
        owner = instrument.item(item_id).category
        if owner is not None and owner != category and owner not in found:
            found.append(owner)
    return tuple(found)


def item_allowed(instrument: Instrument, categories: list[str], item_id: str) -> bool:
    """Whether a report rated on ``categories`` is asked ``item_id``."""
    return item_id in instrument.items_for(categories)


def screening_flag(answers: dict[str, str | None], instrument: Instrument) -> bool:
    """No or Can't tell to a screening question: further appraisal may not be feasible."""
    return any(answers.get(item.id) in FLAG_ANSWERS for item in instrument.screening)
