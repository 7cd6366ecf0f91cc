"""Grouping speed (and quality) on synthetic corpora of 1,000 and 10,000 articles.

    python bench/bench_grouping.py            # 1k and 10k
    python bench/bench_grouping.py 2000 5000  # other sizes

Prints wall and CPU time of ``group_stories`` (vectors, candidate pairs, clustering, ids,
headlines, summaries, related stories) and B-cubed against the generator's labels.
Writes nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from eval_grouping import bcubed  # noqa: E402
from synthetic_corpus import synthetic_corpus  # noqa: E402

from digest.group import group_stories, story_index  # noqa: E402


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1000, 10000]
    for size in sizes:
        articles, gold = synthetic_corpus(size)
        start, cpu = time.perf_counter(), time.process_time()
        stories = group_stories(articles)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        p, r, f1 = bcubed(gold, story_index(stories))
        undated = sum(a.date is None for a in articles)
        print(
            f"{size:>6} articles ({undated} undated), {len(set(gold.values()))} events -> "
            f"{len(stories)} stories in {seconds:.2f} s (CPU {cpu:.2f} s); "
            f"B3 P={p:.3f} R={r:.3f} F1={f1:.3f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
