"""Grouping quality: B-cubed precision, recall and F1 against labelled fixtures.

    python bench/eval_grouping.py            # every fixture set
    python bench/eval_grouping.py --sweep    # also F1 over a range of each threshold

Fixture sets: the seed articles in ``tests/fixtures/seeds/`` (labels in
``tests/fixtures/grouping/seeds.tsv``) and every folder under ``tests/fixtures/grouping/``
with a ``labels.tsv`` (``file<TAB>story`` lines, ``#`` comments).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "grouping"
sys.path.insert(0, str(ROOT))

from digest import group  # noqa: E402
from digest.build import load_articles  # noqa: E402


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (item -> cluster label) vs gold.

    Per item: precision = share of its predicted cluster that is in its gold cluster,
    recall = share of its gold cluster that is in its predicted cluster; both averaged.
    """
    if not gold:
        return 1.0, 1.0, 1.0
    if set(predicted) != set(gold):
        raise ValueError("gold and predicted label different items")
    both = Counter((predicted[item], gold[item]) for item in gold)
    in_pred = Counter(predicted[item] for item in gold)
    in_gold = Counter(gold.values())
    # Each of the n items in cell (p, g) shares n items with its clusters.
    precision = sum(n * n / in_pred[p] for (p, _), n in both.items()) / len(gold)
    recall = sum(n * n / in_gold[g] for (_, g), n in both.items()) / len(gold)
    return precision, recall, 2 * precision * recall / (precision + recall)


def read_labels(path: Path) -> dict[str, str]:
    """``file<TAB>story`` lines -> {file: story}."""
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, story = line.split("\t")
            labels[name.strip()] = story.strip()
    return labels


def fixture_sets() -> list[tuple[str, Path, dict[str, str]]]:
    """(name, content folder, labels) for the seeds and every labelled fixture folder."""
    sets = [("seeds", ROOT / "tests" / "fixtures" / "seeds", read_labels(FIXTURES / "seeds.tsv"))]
    for labels in sorted(FIXTURES.glob("*/labels.tsv")):
        sets.append((labels.parent.name, labels.parent, read_labels(labels)))
    return sets


def evaluate(
    content: Path, gold: Mapping[str, str], *, dates: bool = True
) -> tuple[float, float, float, list[str]]:
    """Group the folder and score it; also the predicted groups that differ from gold.

    ``dates=False`` drops every article's own date first, to see what the text alone does.
    """
    articles, errors = load_articles(content)
    if errors:
        raise SystemExit("\n".join(map(str, errors)))
    if not dates:
        articles = [replace(a, date=None) for a in articles]
    stories = group.group_stories(articles)
    predicted = group.story_index(stories)
    wrong = []
    for story in stories:
        labels = sorted({gold[a.source] for a in story.articles})
        expected = sorted(s for s, g in gold.items() if g in labels)
        if len(labels) > 1 or expected != sorted(a.source for a in story.articles):
            wrong.append(f"{story.id}: {[a.source for a in story.articles]} (gold {labels})")
    return (*bcubed(gold, predicted), wrong)


def report() -> None:
    """B-cubed per fixture set, with and without the articles' own dates."""
    for name, content, gold in fixture_sets():
        for dates in (True, False):
            p, r, f1, wrong = evaluate(content, gold, dates=dates)
            label = name if dates else f"{name} (no dates)"
            stories = len(set(gold.values()))
            print(f"  {label:<24} {len(gold):>3} articles {stories:>3} stories  "
                  f"B3 P={p:.3f} R={r:.3f} F1={f1:.3f}")  # fmt: skip
            for line in wrong:
                print(f"      differs: {line}")


def sweep(parameter: str) -> None:
    """F1 per fixture set (with dates) for a range of values of one threshold."""
    default = getattr(group, parameter)
    for value in sorted({default, *(round(0.14 + 0.02 * k, 2) for k in range(14))}):
        setattr(group, parameter, value)
        scores = [
            f"{name} F1={evaluate(content, gold)[2]:.3f}" for name, content, gold in fixture_sets()
        ]
        mark = "  (default)" if value == default else ""
        print(f"  {parameter} = {value:.2f}: {'  '.join(scores)}{mark}")
    setattr(group, parameter, default)


def main(argv: list[str]) -> None:
    print(f"SAME_STORY = {group.SAME_STORY}, SAME_STORY_UNDATED = {group.SAME_STORY_UNDATED}")
    report()
    if "--sweep" in argv:
        sweep("SAME_STORY")
        sweep("SAME_STORY_UNDATED")


if __name__ == "__main__":
    main(sys.argv[1:])
