"""digest: turn a folder of Arabic news articles into a bilingual static digest site."""

__version__ = "0.1.0"
