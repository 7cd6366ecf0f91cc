"""Translate Arabic text to English with the installed Argos Translate package.

Texts are split into sentences (:mod:`digest.sentences`); sentences already in the
translation cache (:mod:`digest.translation_cache`) are reused, and only the others are sent,
all together, through :func:`translate_batch`: CTranslate2 with the package's SentencePiece
model, int8 on CPU, decoded with Argos's own settings. The model is loaded only when there is
something to translate, and neither torch nor stanza is ever imported. A whole text seen
before with this model is taken from the cache as it is, without splitting it again.
"""

from __future__ import annotations

import functools
import html
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from digest.argos_models import (
    INSTALL_HINT,
    ModelError,
    ModelInfo,
    find_package,
    load_package,
    unloadable,
)
from digest.interrupts import checkpoint
from digest.sentences import split_lines_and_sentences
from digest.translation_cache import (
    DB_NAME,
    CacheUnusableError,
    TranslationCache,
    damage_named,
    model_identity,
    normalise,
    sentence_digests,
    split_digests,
)

__all__ = ["INSTALL_HINT", "TranslationResult", "translate_batch", "translate_texts"]

# Decoding exactly as argostranslate 1.11 (translate.apply_packaged_translation) does.
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2
MAX_DECODING_LENGTH = 256  # CTranslate2's default, which Argos keeps
# Throughput settings, measured in bench/bench_translate.py on 2 cores (Transformer base, int8):
# 4096 source tokens per batch and all cores for one translator were fastest.
MAX_BATCH_TOKENS = 4096
CHUNK_SENTENCES = 256  # sentences per translate_batch call; the cache is committed after each
FIRST_CHUNK = 16  # the first calls are smaller (doubling): the progress bar shows up early
DECODING_VERSION = "argos-1.11-beam4-lp0.2"  # part of the cache key: change it if decoding changes


@dataclass
class TranslationResult:
    """English for each distinct source text, and what it took to get it."""

    english: dict[str, str] = field(default_factory=dict)
    translated: int = 0  # sentences translated by the model in this run
    cached: int = 0  # sentences taken from the cache
    model: str | None = None  # installed package, e.g. "ar→en 1.0"
    message: str | None = None  # why some text has no English, with the fix
    notice: str | None = None  # no model, though the English it made is kept: to warn of
    sentences: set[bytes] = field(default_factory=set)  # digests of the distinct sentences
    digests: dict[str, bytes] = field(default_factory=dict)  # each text's sentences' digests

    def merge(self, other: TranslationResult) -> None:
        """Add the result of translating other texts (sentences counted once)."""
        self.english.update(other.english)
        self.digests.update(other.digests)
        self.translated += other.translated
        self.sentences |= other.sentences
        self.cached = len(self.sentences) - self.translated
        self.model = self.model or other.model
        self.message = self.message or other.message
        self.notice = self.notice or other.notice


def installed_model() -> ModelInfo | str:
    """The installed ar→en package, or why there is none (what to run)."""
    try:
        package = find_package()
    except ModelError as exc:
        return str(exc)
    return INSTALL_HINT if package is None else package


def translate_texts(
    texts: Sequence[str], cache_dir: Path, *, progress: bool = False, cached_only: bool = False
) -> TranslationResult:
    """Translate each text (a title, heading, paragraph or list item) to English.

    A text's sentences are translated one by one and joined with a space; its line breaks
    are kept. Without an installed model, ``english`` has the texts that the model used last
    translated (:data:`KEPT_NOTE`), ``notice`` says so, and ``message`` what to run if some
    text has no English; with none used before, ``english`` is empty.
    ``cached_only``: translate nothing, give the texts whose sentences are all in the cache
    (a worker process that must not load the model does so).
    """
    package = installed_model()
    if isinstance(package, str) and not (cache_dir / DB_NAME).is_file():
        return TranslationResult(message=package)
    try:
        return _translate(package, texts, cache_dir, progress=progress, cached_only=cached_only)
    except CacheUnusableError as exc:
        if not isinstance(package, str):
            raise
        # the English kept from before cannot be read: said, and built as without it
        return TranslationResult(message=f"{package}\n({exc})")


def _translate(
    package: ModelInfo | str,
    texts: Sequence[str],
    cache_dir: Path,
    *,
    progress: bool,
    cached_only: bool,
) -> TranslationResult:
    """:func:`translate_texts` with ``package``, or why there is none."""
    texts = list(dict.fromkeys(texts))
    with damage_named(cache_dir), TranslationCache(cache_dir) as cache:
        if isinstance(package, str):  # none now: the English the last one made is kept
            key = cache.last_model()
            if key is None:
                return TranslationResult(message=package)
            result = TranslationResult(notice=f"{package}\n{KEPT_NOTE}")
            cached_only = True
        else:
            result = TranslationResult(model=package.label)
            key = package_key(package, cache)
            cache.remember_model(key)
        known = cache.lookup_texts(key, texts)  # texts seen before: no splitting needed
        layout = {text: split_lines_and_sentences(text) for text in texts if text not in known}
        needed = list(
            dict.fromkeys(normalise(s) for lines in layout.values() for line in lines for s in line)
        )
        found = cache.lookup(key, needed)
        missing = [s for s in needed if s not in found]
        if missing and not cached_only:
            assert not isinstance(package, str)
            try:
                _translate_into(cache, key, str(package.path), missing, found, progress=progress)
                result.translated = len(missing)
            except ModelError as exc:  # installed but broken: what the cache has, and why
                result.message = str(exc)
                cached_only = True
        if missing and cached_only:  # leave out the texts with a sentence not cached
            if isinstance(package, str):
                result.message = package
            gaps = set(missing)
            layout = {
                text: lines
                for text, lines in layout.items()
                if not any(normalise(s) in gaps for line in lines for s in line)
            }
            needed, missing = [s for s in needed if s not in gaps], []
        fresh = {  # as the cache gives known texts: English and sentence digests
            text: (
                "\n".join(" ".join(found[normalise(s)] for s in line) for line in lines),
                sentence_digests(dict.fromkeys(normalise(s) for line in lines for s in line)),
            )
            for text, lines in layout.items()
        }
        if fresh:
            cache.store_texts(key, fresh)
    every = split_digests(sentence_digests(needed)).union(
        *(split_digests(digests) for _, digests in known.values())
    )
    result.sentences = every
    result.cached = len(every) - len(missing)
    found_texts = {
        text: known.get(text) or fresh[text] for text in texts if text in known or text in fresh
    }
    result.english = {text: english for text, (english, _) in found_texts.items()}
    result.digests = {text: digests for text, (_, digests) in found_texts.items()}
    return result


# Said after why no model is used, when the translation cache has the English that the model
# used before made: a site keeps its English pages (and its feed items) meanwhile.
KEPT_NOTE = (
    "The English already made is kept (from .digest-cache/translations.sqlite, by the "
    "model used before); new text waits for a model."
)


def package_key(package: ModelInfo, cache: TranslationCache) -> str:
    """The model identity used in the cache: content of every model file, and decoding."""
    files = [
        (f.relative_to(package.path).as_posix(), f)
        for f in sorted(package.path.rglob("*"))
        if f.is_file() and (f.parent.name == "model" or f.name in _IDENTITY_FILES)
    ]
    return model_identity(cache, files, DECODING_VERSION)


_IDENTITY_FILES = {"metadata.json", "sentencepiece.model"}


def _translate_into(
    cache: TranslationCache,
    key: str,
    model_dir: str,
    sentences: list[str],
    found: dict[str, str],
    *,
    progress: bool,
) -> None:
    """Translate ``sentences`` chunk by chunk, committing each chunk to the cache."""
    with _LazyProgress(len(sentences), enabled=progress) as advance:
        for i, j in chunk_bounds(len(sentences)):
            chunk = sentences[i:j]
            english = dict(zip(chunk, translate_batch(model_dir, chunk), strict=True))
            cache.store(key, english)
            found.update(english)
            advance(len(chunk))
            checkpoint()  # a long run stops after the chunk it is on (the cache keeps it)


def chunk_bounds(total: int) -> list[tuple[int, int]]:
    """(start, end) of the chunks ``total`` sentences are translated in: ``FIRST_CHUNK``,
    then twice as many each time, up to ``CHUNK_SENTENCES``. A real model takes some 20 s
    over a full chunk, and the progress bar can only tell how long all will take once a
    chunk is done."""
    bounds, start, size = [], 0, FIRST_CHUNK
    while start < total:
        bounds.append((start, min(start + size, total)))
        start, size = start + size, min(size * 2, CHUNK_SENTENCES)
    return bounds


def translate_batch(
    model_dir: str,
    sentences: list[str],
    *,
    max_batch_tokens: int = MAX_BATCH_TOKENS,
    intra_threads: int = 0,
    min_decoding_length: int = 0,
    max_decoding_length: int = MAX_DECODING_LENGTH,
) -> list[str]:
    """English for each Arabic sentence, with the Argos package in ``model_dir``.

    A pure function of its arguments (a loaded model may be reused from a per-process cache,
    which does not change results), so executors can map it over chunks of sentences.
    ``intra_threads=0`` uses every core; the decoding lengths are for benchmarks.
    """
    if not sentences:
        return []
    translator, tokenizer, prefix = _load(model_dir, intra_threads or (os.cpu_count() or 1))
    tokens = tokenizer.encode(list(sentences), out_type=str)
    results = translator.translate_batch(
        tokens,
        target_prefix=[[prefix]] * len(tokens) if prefix else None,
        max_batch_size=max_batch_tokens,
        batch_type="tokens",
        beam_size=BEAM_SIZE,
        num_hypotheses=1,
        length_penalty=LENGTH_PENALTY,
        replace_unknowns=True,
        min_decoding_length=min_decoding_length,
        max_decoding_length=max_decoding_length,
    )
    return [_detokenize(tokenizer, r.hypotheses[0], prefix) for r in results]


def _detokenize(tokenizer, pieces: list[str], prefix: str) -> str:
    """Pieces to text as Argos does, then HTML entities (``&apos;``) unescaped."""
    text = tokenizer.decode_pieces(pieces).replace("▁", " ").replace("_", " ")
    if prefix and text.startswith(prefix):
        text = text[len(prefix) :]
    if text.startswith(" "):
        text = text[1:]
    return html.unescape(text)


@functools.lru_cache(maxsize=2)
def _load_cached(model_dir: str, threads: int, stamp: tuple[int, int]):
    root = Path(model_dir)
    try:
        return load_package(root, threads)
    except ModelError as exc:  # a broken package: the build goes on, and says so
        raise ModelError(unloadable(root, str(exc))) from None


def _load(model_dir: str, threads: int):
    """Translator, tokenizer and target prefix; reloaded when model.bin changes."""
    stat = (Path(model_dir) / "model" / "model.bin").stat()
    return _load_cached(model_dir, threads, (stat.st_size, stat.st_mtime_ns))


class _LazyProgress:
    """A rich progress bar that appears only when the work will take more than a moment."""

    DELAY_S = 1.0

    def __init__(self, total: int, *, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.done = 0
        self.start = time.perf_counter()
        self.bar = None
        self.task = None

    def __enter__(self) -> Callable[[int], None]:
        return self.advance

    def advance(self, n: int) -> None:
        self.done += n
        if not self.enabled or self.done >= self.total:
            return
        elapsed = time.perf_counter() - self.start
        if self.bar is None and elapsed * self.total / self.done > self.DELAY_S:
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("Translating sentences", total=self.total)
            self.bar.start()
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
