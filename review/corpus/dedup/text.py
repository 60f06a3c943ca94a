"""Text folding shared by the dedup steps: accents, case, punctuation, spelling, placeholders."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Α": "alpha", "Β": "beta",
    "Γ": "gamma", "Δ": "delta", "Κ": "kappa", "Ω": "omega",
}
_UNFOLDABLE = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d",
                             "ł": "l", "Ł": "l", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th"})
_GREEK_RE = re.compile("|".join(_GREEK))
NON_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")
# Spelling variants, applied to both sides of every comparison (so "aerobic" -> "erobic"
# is harmless): randomised/randomized, haem/hem, oedema/edema, behaviour/behavior, analyse.
_SPELLING = (
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
    (re.compile(r"our\b"), "or"),
    (re.compile(r"is(e|ed|es|ing|ation|ations)\b"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)\b"), r"yz\1"),
    (re.compile(r"tre\b"), "ter"),
)
_MISSING = frozenset(["na", "n/a", "n.a.", "nan", "none", "null", "unknown", "-", "--", "?",
                      "no pagination", "(no pagination)", "not available"])
# MEDLINE's trailing notes ("[Erratum appears in ...]", "[Spanish]"), often cut off.
TRAILING_NOTE = re.compile(
    r"\s*\.?\s*\[\s*(erratum|comment|retraction|retracted|corrected|published|see|update|summary|"
    r"republished|reprint|expression of concern|article in|note)\b.*$",
    re.IGNORECASE,
)


def present(value: Any) -> str:
    """The value as text, or '' for an empty or placeholder value ("NA", "N/A", "null")."""
    if not value:
        return ""
    text = value.strip() if isinstance(value, str) else str(value).strip()
    if len(text) > 16:
        return text
    return "" if text.lower() in _MISSING else text


def fold(text: str | None) -> str:
    """Lower-case ASCII words: accents folded, Greek letters named, punctuation gone."""
    if not text:
        return ""
    if not text.isascii():
        text = _GREEK_RE.sub(lambda m: " " + _GREEK[m.group(0)] + " ", text)
        text = text.translate(_UNFOLDABLE)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ")
    return NON_ALNUM.sub(" ", text).strip()


def fold_words(text: str | None) -> list[str]:
    """:func:`fold` as a list of words."""
    if not text:
        return []
    if not text.isascii():
        return fold(text).split()
    return _WORD.findall(text.lower().replace("&", " and "))


@lru_cache(maxsize=200_000)
def spelling_word(word: str) -> str:
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    return word


def spelling(words: str) -> str:
    """British/American spelling variants made equal (applied to folded text)."""
    return " ".join(spelling_word(w) for w in words.split())


def strip_notes(title: str) -> str:
    return TRAILING_NOTE.sub("", title) if "[" in title else title
