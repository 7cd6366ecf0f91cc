"""Translation throughput: batched vs one sentence per call, and the no-op rebuild.

The model has the shape of the real Argos ar→en package (Transformer base: 6+6 layers,
width 512, feed-forward 2048, 8 heads, shared 32k vocabulary, int8) with seeded random
weights. The seed text is too small to train 32k SentencePiece pieces, so SentencePiece is
trained with as many pieces as the text allows and the model's shared vocabulary is padded
with unused pieces to 32,000 entries: embeddings and output projection have the real size.
Decoding lengths are fixed (min = max = --length) so both sides do the same work.

    python bench/bench_translate.py                 # writes under /dev/shm/digest-bench-translate
    python bench/bench_translate.py --quick         # fewer sentences and settings
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from argos_fixture import TRANSFORMER_BASE, build_package_dir  # noqa: E402

VOCAB = 32_000
TOKENS = (1024, 2048, 4096, 8192)  # max_batch_size, in tokens, for batch_type="tokens"


def best_of(repeat: int, run) -> float:
    """The fastest of ``repeat`` runs, in seconds (the machine may be shared)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/dev/shm/digest-bench-translate"))
    parser.add_argument("--length", type=int, default=32, help="decoded tokens per sentence")
    parser.add_argument("--sentences", type=int, default=0, help="limit (0: all seed sentences)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per setting; best is kept")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    packages = args.out / "argos-packages"
    os.environ["ARGOS_PACKAGES_DIR"] = str(packages)  # before argostranslate is imported
    pkg = packages / "translate-ar_en-base"
    if not (pkg / "model" / "model.bin").is_file():
        shutil.rmtree(pkg, ignore_errors=True)
        start = time.perf_counter()
        build_package_dir(
            packages,
            shape=TRANSFORMER_BASE,
            vocab_size=8000,
            model_vocab_size=VOCAB,
            name=pkg.name,
        )
        print(f"built {pkg} in {time.perf_counter() - start:.1f} s")
    size = (pkg / "model" / "model.bin").stat().st_size
    print(f"model.bin: {size / 1e6:.1f} MB, vocabulary {VOCAB}, cores: {os.cpu_count()}")

    sentences = seed_sentences()
    if args.quick:
        sentences = sentences[:48]
    if args.sentences:
        sentences = sentences[: args.sentences]
    n, length = len(sentences), args.length
    results: dict[str, object] = {"sentences": n, "decoded_tokens": length}
    print(f"{n} seed sentences, {length} decoded tokens each, beam 4 (s/s: sentences/s)\n")

    from digest.translate import translate_batch

    fixed = {"min_decoding_length": length, "max_decoding_length": length}
    translate_batch(str(pkg), sentences[:2], **fixed)  # load the model once, outside timings
    configs = [(t, b) for t in (1, 2) for b in ((2048,) if args.quick else TOKENS)]
    batched = {}
    for threads, tokens in configs:
        translate_batch(str(pkg), sentences[:2], intra_threads=threads, **fixed)  # load

        def batch(t: int = threads, b: int = tokens) -> None:
            translate_batch(str(pkg), sentences, intra_threads=t, max_batch_tokens=b, **fixed)

        rate = n / best_of(args.repeat, batch)
        batched[f"threads={threads} max_batch_tokens={tokens}"] = rate
        print(f"batched      threads={threads} max_batch_tokens={tokens:5d}: {rate:6.1f} s/s")
    results["batched"] = batched

    single = {}
    subset = sentences[: max(8, n // 4)]
    for threads in (1, 2):

        def one_by_one(t: int = threads) -> None:
            for sentence in subset:
                translate_batch(str(pkg), [sentence], intra_threads=t, **fixed)

        rate = len(subset) / best_of(args.repeat, one_by_one)
        single[f"threads={threads}"] = rate
        print(f"one per call threads={threads} ({len(subset)} sentences)      : {rate:6.1f} s/s")
    results["one_per_call"] = single
    best_batched, best_single = max(batched.values()), max(single.values())
    results["speedup"] = best_batched / best_single
    print(f"\nbatched / one per call (best of each): {best_batched / best_single:.1f}x")

    results.update(rebuild_times(args.out))
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults in {args.out / 'results.json'}")


def seed_sentences() -> list[str]:
    """Every distinct sentence the seed site translates (as the build splits them)."""
    from digest.build import load_articles, texts_to_translate
    from digest.group import group_stories
    from digest.sentences import split_sentences
    from digest.translation_cache import normalise

    articles, _ = load_articles(ROOT / "content")
    texts = texts_to_translate(group_stories(articles))
    return list(dict.fromkeys(normalise(s) for t in texts for s in split_sentences(t)))


def rebuild_times(out: Path) -> dict[str, float]:
    """Seconds for: first build, no-op rebuild, and a fresh site whose sentences are all cached."""
    from digest.build import Project, build_site
    from digest.translate import translate_texts

    site = out / "site-a"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(ROOT / "content", site / "content")
    times = {}
    for label in ("first build", "no-op rebuild"):
        start = time.perf_counter()
        report = build_site(Project.at(site))
        times[label] = time.perf_counter() - start
        print(
            f"{label:32s}: {times[label]:6.2f} s ({report.translated} translated, "
            f"{report.cached} cached)"
        )
    # A site that has never been built but whose every sentence is in the translation cache:
    # the translation stage alone, without the builder's other shortcuts.
    fresh = out / "site-b"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(ROOT / "content", fresh / "content")
    (fresh / ".digest-cache").mkdir()
    shutil.copy(site / ".digest-cache" / "translations.sqlite", fresh / ".digest-cache")
    start = time.perf_counter()
    report = build_site(Project.at(fresh))
    times["fresh site, all cached"] = time.perf_counter() - start
    print(
        f"{'fresh site, all sentences cached':32s}: {times['fresh site, all cached']:6.2f} s "
        f"({report.translated} translated, {report.cached} cached)"
    )
    from digest.build import load_articles, texts_to_translate
    from digest.group import group_stories

    texts = texts_to_translate(group_stories(load_articles(ROOT / "content")[0]))
    start = time.perf_counter()
    result = translate_texts(texts, fresh / ".digest-cache")
    times["translate_texts, all cached"] = time.perf_counter() - start
    print(
        f"{'translate_texts, all cached':32s}: {times['translate_texts, all cached']:6.3f} s "
        f"({result.translated} translated, {result.cached} cached)"
    )
    return times


if __name__ == "__main__":
    main()
