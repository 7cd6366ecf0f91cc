"""Clean a scraped article: body blocks, title, outlet, date. (First-stage version.)"""

from __future__ import annotations

from digest.article import Article, Block, SourceFile


class CleaningError(ValueError):
    """The file holds no article text at all (only furniture, or nothing)."""


def clean_article(source: SourceFile) -> Article:
    """Turn a source file into an :class:`Article`. Raises :class:`CleaningError`."""
    paragraphs = [line.strip() for line in source.text.split("\n") if line.strip()]
    if not paragraphs:
        raise CleaningError(f"{source.path}: no article text found")
    meta = source.meta
    title = meta.get("title") or paragraphs[0]
    body = paragraphs[1:] if not meta.get("title") else paragraphs
    return Article(
        source=source.path,
        title=title,
        title_derived=False,
        outlet=meta.get("outlet") or meta.get("source"),
        date=meta.get("date"),
        lang=meta.get("lang") or "ar",
        body=tuple(Block("paragraph", p) for p in body),
        url=meta.get("url"),
        story=meta.get("story"),
        english=source.english,
    )
