"""Quality appraisal: instruments as data (MMAT 2018 bundled), judgements per reviewer,
agreement and resolutions, the agreed table, plots, and sheet / robvis exchange.

What other stages use (docs/dev/realist-interfaces.md, "Appraisal"):
:func:`appraisal_table`, :func:`report_profiles`, :func:`plot_traffic_light`,
:func:`plot_summary`.
"""

from review.appraisal.instruments import Instrument, available, bundled, load_instrument
from review.appraisal.plots import plot_summary, plot_traffic_light
from review.appraisal.table import appraisal_table, report_profiles

__all__ = [
    "Instrument",
    "appraisal_table",
    "available",
    "bundled",
    "load_instrument",
    "plot_summary",
    "plot_traffic_light",
    "report_profiles",
]
