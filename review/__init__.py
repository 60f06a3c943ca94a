"""review: realist syntheses and systematic evidence reviews, from search exports to manuscript."""

__version__ = "0.1.0"
