"""Translate Arabic text to English. (First-stage version: reports that no model is used.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = (
    "No Arabic→English translation model is installed. Install one with\n"
    "    digest model install                      (online, from the Argos index)\n"
    "    digest model install FILE.argosmodel      (offline, from a file)"
)


@dataclass
class TranslationResult:
    """English for each distinct source text, and what it took to get it."""

    english: dict[str, str] = field(default_factory=dict)
    translated: int = 0  # sentences translated by the model in this run
    cached: int = 0  # sentences taken from the cache
    model: str | None = None  # installed package, e.g. "ar→en 1.0"
    message: str | None = None  # why some text has no English, with the fix


def translate_texts(
    texts: Sequence[str], cache_dir: Path, *, progress: bool = False
) -> TranslationResult:
    """Translate each text (a title, heading, paragraph or list item) to English."""
    return TranslationResult(message=INSTALL_HINT)
