"""LaTeX in BibTeX values, decoded to Unicode: fast for the common cases.

Accents (``\\"u``, ``{\\'e}``, ``\\c{c}``), letters (``\\ss``, ``\\o``), escaped specials
(``\\&``, ``\\_``), text-style commands (``\\emph{x}``) and dashes are handled by a few
precompiled substitutions; whatever backslash is left goes to pylatexenc (slow, rare).
Values without a backslash, ``~`` or ``--`` are returned unchanged at once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_COMBINING = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304",
    "u": "\u0306", ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b",
    "v": "\u030c", "c": "\u0327", "k": "\u0328", "d": "\u0323", "b": "\u0331",
}
_LETTERS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "aa": "å", "AA": "Å", "l": "ł",
    "L": "Ł", "i": "ı", "j": "ȷ", "oe": "œ", "OE": "Œ", "textendash": "–", "textemdash": "—",
    "textquoteright": "’", "textquoteleft": "‘", "textquotedblleft": "“",
    "textquotedblright": "”", "copyright": "©", "textregistered": "®", "texttrademark": "™",
    "dag": "†", "S": "§", "P": "¶", "textasciitilde": "~", "textbackslash": "\\",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ", "omega": "ω",
    "Delta": "Δ", "Omega": "Ω", "pm": "±", "times": "×", "leq": "≤", "geq": "≥", "le": "≤",
    "ge": "≥", "textdegree": "°", "degree": "°", "ldots": "…", "dots": "…",
}
_SYMBOL_ACCENT = re.compile(r"\\([`'^\"~=.])\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))")
_LETTER_ACCENT = re.compile(r"\\([uvHckrdb])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+(\\?[A-Za-z]))")
_NAMED = re.compile(r"\\(" + "|".join(sorted(_LETTERS, key=len, reverse=True)) + r")(?![A-Za-z])\s?")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_STYLE = re.compile(
    r"\\(?:textit|textbf|emph|textsc|textrm|textsf|texttt|textup|textnormal|textsuperscript|"
    r"textsubscript|mathrm|mathit|mathbf|mathsf|mbox|text|url|href\{[^}]*\})\s*(?=\{)"
)
_MATH = re.compile(r"(?<!\\)\$")
_DOLLAR = "\ue024"  # an escaped \$ while maths markers are dropped (a private-use character)
_LBRACE, _RBRACE = "\ue07b", "\ue07d"  # escaped \{ \} while grouping braces are dropped
_BRACED_LETTER = re.compile(r"\{([^\W\d_])\}")


def _accent(match: re.Match[str]) -> str:
    mark = _COMBINING[match.group(1)]
    letter = match.group(2) or match.group(3)
    if letter in ("\\i", "\\j"):
        letter = letter[1]
    return unicodedata.normalize("NFC", letter + mark)


def decode_latex(value: Any) -> Any:
    """``value`` with LaTeX markup turned into Unicode (lists item by item)."""
    if isinstance(value, list):
        return [decode_latex(v) for v in value]
    if not isinstance(value, str) or ("\\" not in value and "--" not in value and "$" not in value
                                      and "{" not in value and "}" not in value):
        return value
    text = value
    if "--" in text:
        text = text.replace("---", "—").replace("--", "–")
    if "\\" in text:
        text = _SYMBOL_ACCENT.sub(_accent, text)
        text = _LETTER_ACCENT.sub(_accent, text)
        if "\\$" in text:  # an escaped dollar is a character, not the start of maths
            text = text.replace("\\$", _DOLLAR)
        if "\\{" in text or "\\}" in text:  # escaped braces are characters, grouping braces markup
            text = text.replace("\\{", _LBRACE).replace("\\}", _RBRACE)
        text = _ESCAPED.sub(r"\1", text)
        text = _STYLE.sub("", text)
        text = _NAMED.sub(lambda m: _LETTERS[m.group(1)], text)
        text = text.replace("\\\\", " ").replace("\\ ", " ").replace("\\,", " ")
        if "{" in text:
            text = _BRACED_LETTER.sub(r"\1", text)  # "M{ü}ller" -> "Müller"
    if "$" in text:
        text = _MATH.sub("", text)
    if "\\" in text:
        text = _fallback(text)
    if "{" in text or "}" in text:  # grouping ("{COVID}-19", "-{}-"): markup, not text
        text = text.replace("{", "").replace("}", "")
    if _DOLLAR in text or _LBRACE in text or _RBRACE in text:
        text = text.replace(_DOLLAR, "$").replace(_LBRACE, "{").replace(_RBRACE, "}")
    return text


def _fallback(text: str) -> str:
    try:
        from pylatexenc.latex2text import LatexNodes2Text
    except ImportError:  # pragma: no cover - pylatexenc comes with bibtexparser
        return text
    try:
        return str(LatexNodes2Text(math_mode="text", strict_latex_spaces=True).latex_to_text(text))
    except Exception:  # noqa: BLE001 - keep the text rather than fail on odd markup
        return text
