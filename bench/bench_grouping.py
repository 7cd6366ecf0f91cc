"""Grouping speed (and quality) on short synthetic corpora and on realistic long articles.

    python bench/bench_grouping.py                   # short 1k, 10k; long 1k, 5k, 10k
    python bench/bench_grouping.py --short 2000      # other sizes (either list may be empty)
    python bench/bench_grouping.py --short --long 1000

Short: :mod:`synthetic_corpus` (templated sentences, some undated). Long: the site of
``bench/generate_site.py`` (~600 words per article, three months of dates), written to
``/dev/shm`` and cleaned once; the cleaned articles are cached there as a pickle.
Prints wall and CPU time of ``group_stories`` (vectors, candidate pairs, clustering, ids,
headlines, summaries, related stories), cold and again on the same articles (what
``digest serve`` does after an edit), and B-cubed against the generators' labels.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_grouping import bcubed  # noqa: E402
from generate_site import generate  # noqa: E402
from synthetic_corpus import synthetic_corpus  # noqa: E402

from digest.article import Article  # noqa: E402
from digest.build import load_articles  # noqa: E402
from digest.group import group_stories, story_index  # noqa: E402

SCRATCH = Path("/dev/shm/digest-bench-grouping")


def long_corpus(size: int) -> tuple[list[Article], dict[str, str]]:
    """generate_site articles, cleaned (cached in /dev/shm), and their event labels."""
    cache = SCRATCH / f"articles-{size}.pickle"
    if cache.exists():
        articles = pickle.loads(cache.read_bytes())
    else:
        root = generate(SCRATCH / f"site-{size}", size)
        articles, errors = load_articles(root / "content")
        if errors:
            raise SystemExit(f"generated site did not clean: {errors[0]}")
        cache.write_bytes(pickle.dumps(articles))
    # File names are <event>_<article>.md.
    return articles, {a.source: a.source.split("_")[0] for a in articles}


def measure(name: str, articles: Sequence[Article], gold: dict[str, str]) -> None:
    for run in ("cold", "again"):
        start, cpu = time.perf_counter(), time.process_time()
        stories = group_stories(articles)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        p, r, f1 = bcubed(gold, story_index(stories))
        undated = sum(a.date is None for a in articles)
        print(
            f"{name:>5} {len(articles):>6} articles ({undated} undated), "
            f"{len(set(gold.values()))} events -> {len(stories)} stories, {run:>5}: "
            f"{seconds:.2f} s (CPU {cpu:.2f} s); B3 P={p:.3f} R={r:.3f} F1={f1:.3f}",
            flush=True,
        )


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", type=int, nargs="*", help="synthetic corpus sizes")
    parser.add_argument("--long", type=int, nargs="*", help="generate_site sizes")
    args = parser.parse_args(argv)
    if args.short is None and args.long is None:
        args.short, args.long = [1000, 10000], [1000, 5000, 10000]
    SCRATCH.mkdir(parents=True, exist_ok=True)
    for size in args.short or []:
        measure("short", *synthetic_corpus(size))
    for size in args.long or []:
        measure("long", *long_corpus(size))


if __name__ == "__main__":
    main(sys.argv[1:])
