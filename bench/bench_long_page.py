"""Cleaning and grouping time of a whole site saved as one line (no line break at all).

A scraped page saved wrongly can be megabytes on one line: one paragraph of thousands of
sentences. Dates, dots and the summary must not look back along the whole line (that was
quadratic: minutes and gigabytes at 5 MB).

    python bench/bench_long_page.py              # 5 MB (the seed 800 times over)
    python bench/bench_long_page.py --copies 200
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digest.article import SourceFile  # noqa: E402
from digest.clean import clean_article, squash  # noqa: E402
from digest.group import group_stories  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=800, help="seed texts on the one line")
    args = parser.parse_args()
    [seed] = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("000*"))
    page = " ".join([squash(seed.read_text(encoding="utf-8"))] * args.copies)
    start = time.perf_counter()
    article = clean_article(SourceFile("page.txt", page, "txt"))
    cleaned = time.perf_counter()
    group_stories([article])
    grouped = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{len(page.encode()) / 1e6:.1f} MB on one line: cleaned in {cleaned - start:.2f} s, "
        f"grouped in {grouped - cleaned:.2f} s, peak memory {peak} MB"
    )


if __name__ == "__main__":
    main()
