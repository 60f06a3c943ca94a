"""SVG to PNG and PDF through CairoSVG (PyPI ``cairosvg``, which needs the cairo library:
Debian ``libcairo2``, present on most desktops and installed by .ci/run).

Chosen because it installs from PyPI, converts our own SVG faithfully (text, markers,
dashes) without a browser, and is fast (well under a second per diagram). When cairo is
missing the converter says so and the caller reports PNG/PDF as not rendered, with why.
PDFs carry a fixed creation date (2000-01-01), so the same diagram gives the same bytes.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PNG_SCALE = 2.0  # 2x the SVG's pixel size: sharp in print at the diagram's width


@cache
def unavailable() -> str | None:
    """Why PNG/PDF cannot be rendered here, or None when they can."""
    try:
        import cairosvg  # noqa: F401
    except ImportError:
        return "CairoSVG is not installed (pip install cairosvg)"
    except OSError as exc:  # cairocffi could not load the cairo library
        return f"the cairo library is missing (Debian: apt-get install libcairo2): {exc}".splitlines()[0]
    return None


_DATES = re.compile(rb"/(CreationDate|ModDate) \((D:\d{14})")
_FIXED_DATE = b"D:20000101000000"


def svg_to(svg: str, path: Path) -> None:
    """Write ``svg`` as PNG or PDF, by the path's suffix.

    Raises:
        RuntimeError: the converter is unavailable (see :func:`unavailable`).
    """
    why = unavailable()
    if why:
        raise RuntimeError(why)
    import cairosvg

    data = svg.encode("utf-8")
    if path.suffix == ".png":
        blob = cairosvg.svg2png(bytestring=data, scale=PNG_SCALE)
    elif path.suffix == ".pdf":
        blob = cairosvg.svg2pdf(bytestring=data)
        # Same length, so the cross-reference offsets stay valid.
        blob = _DATES.sub(lambda m: b"/" + m.group(1) + b" (" + _FIXED_DATE, blob)
    else:
        raise ValueError(f"cannot convert SVG to {path.suffix}")
    path.write_bytes(blob)
