"""Forward migrations, applied in order when a database is opened.

Each migration is a module named ``m<NNNN>_<name>.py`` defining ``upgrade(conn)``. Its
version number is NNNN; each is applied in its own transaction together with its
bookkeeping row in ``schema_migrations``. Number ranges by area keep parallel work apart:
0001-0099 core, 0100-0199 dedup, 0200-0299 screening, 0300-0399 appraisal, 0400-0499 studies, theories and extraction.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Connection


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    upgrade: Callable[[Connection], None]


def all_migrations() -> list[Migration]:
    """Every migration shipped with the package, in version order."""
    found: list[Migration] = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("m") or "_" not in info.name:
            continue
        number, _, name = info.name[1:].partition("_")
        if not number.isdigit():
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.append(Migration(int(number), name, module.upgrade))
    return sorted(found, key=lambda m: m.version)
