"""Generate a synthetic Arabic news site for benchmarks: N articles of ~600 words each.

Articles are Markdown files with front matter (title, date, outlet) dated over three
months (``--days``: another span, such as 730 for a two-year archive); every event is
reported by two to six outlets over a few days, so a grouper has real stories to find.
The text is built from the vocabulary of the seed articles in ``content/``, so word
lengths and letter frequencies are those of real Arabic news.

    python bench/generate_site.py /dev/shm/digest-bench --articles 1000
    python bench/generate_site.py /dev/shm/digest-archive --articles 10000 --days 730
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
from pathlib import Path

# the vocabulary: the seed articles as committed (not content/, which an editor may be trying)
SEEDS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seeds"
OUTLETS = ["الجزيرة", "العربية", "الشرق الأوسط", "الأهرام", "القدس العربي", "سكاي نيوز عربية"]
ACTORS = [
    "الرئيس الروسي",
    "الرئيس الإيراني",
    "وزير الخارجية المصري",
    "رئيس الوزراء العراقي",
    "العاهل الأردني",
    "ولي العهد السعودي",
    "الأمين العام للأمم المتحدة",
    "الرئيس التركي",
    "وزير الدفاع الأمريكي",
    "رئيس الحكومة المغربية",
    "الرئيس التونسي",
    "أمير قطر",
]
PLACES = [
    "موسكو",
    "طهران",
    "القاهرة",
    "بغداد",
    "عمّان",
    "الرياض",
    "نيويورك",
    "أنقرة",
    "واشنطن",
    "الرباط",
    "تونس",
    "الدوحة",
    "بيروت",
    "دمشق",
    "الجزائر",
    "الخرطوم",
]
TOPICS = [
    "معاهدة شراكة استراتيجية",
    "اتفاقية تجارة حرة",
    "قمة اقتصادية",
    "محادثات سلام",
    "أزمة الطاقة",
    "مشروع سكة حديد",
    "اتفاق نووي",
    "مساعدات إنسانية",
    "انتخابات برلمانية",
    "تعاون عسكري",
    "ممر اقتصادي",
    "أسعار النفط",
]


def seed_vocabulary() -> list[str]:
    words: list[str] = []
    for path in sorted(SEEDS.glob("*.txt")):
        words += re.findall(r"[\u0621-\u064A]{2,}", path.read_text(encoding="utf-8"))
    return words or ["خبر", "اليوم", "الرئيس", "اتفاق"]


def sentence(rng: random.Random, vocab: list[str], keywords: list[str], length: int) -> str:
    words = [
        rng.choice(keywords) if rng.random() < 0.15 else rng.choice(vocab) for _ in range(length)
    ]
    return " ".join(words) + "."


def article_text(
    rng: random.Random, vocab: list[str], event: dict, outlet: str, day: dt.date
) -> str:
    keywords = event["keywords"]
    extra = f"{rng.choice(vocab)} {rng.choice(vocab)}"
    title = f"{event['actor']} في {event['place']}: {event['topic']} {extra}"
    paragraphs = []
    words = 0
    while words < 600:
        n = rng.randint(2, 4)
        para = " ".join(sentence(rng, vocab, keywords, rng.randint(8, 16)) for _ in range(n))
        paragraphs.append(para)
        words += len(para.split())
    front = f'---\ntitle: "{title}"\ndate: {day.isoformat()}\nsource: {outlet}\n---\n\n'
    return front + "\n\n".join(paragraphs) + "\n"


def generate(target: Path, articles: int, seed: int = 7, days: int = 90) -> Path:
    """Write ``articles`` articles to ``target/content`` (replacing it), their events dated
    over ``days`` days from 1 January 2025; return the root."""
    rng = random.Random(seed)
    vocab = seed_vocabulary()
    content = target / "content"
    if content.exists():
        shutil.rmtree(content)
    content.mkdir(parents=True)
    start = dt.date(2025, 1, 1)
    written = 0
    event_no = 0
    while written < articles:
        event = {
            "actor": rng.choice(ACTORS),
            "place": rng.choice(PLACES),
            "topic": rng.choice(TOPICS),
            "day": start + dt.timedelta(days=rng.randrange(days)),
        }
        event["keywords"] = [*event["actor"].split(), event["place"], *event["topic"].split()]
        for outlet in rng.sample(OUTLETS, rng.randint(2, 6)):
            if written >= articles:
                break
            day = event["day"] + dt.timedelta(days=rng.randint(0, 2))
            name = f"{event_no:04d}_{written:05d}.md"
            text = article_text(rng, vocab, event, outlet, day)
            (content / name).write_text(text, encoding="utf-8")
            written += 1
        event_no += 1
    return target


EDIT_WORD = "قياس"


def edit_article(path: Path, n: int, *, lead: bool = False) -> str:
    """Change the longest paragraph of ``path`` (a word appended; the last edit's replaced),
    or with ``lead`` its first paragraph (which grouping reads: the stories are grouped
    again); return the word, which only this edit's text has. Benchmarks time edits so."""
    word = f"{EDIT_WORD}{'ا' * (n % 7)}{n}"
    lines = path.read_text(encoding="utf-8").split("\n")
    if lead:  # the first paragraph after the front matter
        index = next(i for i in range(lines.index("---", 1) + 1, len(lines)) if lines[i])
    else:
        index = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[index] = lines[index].split(f" {EDIT_WORD}")[0] + f" {word}."
    path.write_text("\n".join(lines), encoding="utf-8")
    return word


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument(
        "--days", type=int, default=90, help="the span the events are dated over (default 90)"
    )
    args = parser.parse_args()
    root = generate(args.target, args.articles, days=args.days)
    print(f"wrote {args.articles} articles to {root / 'content'}")


if __name__ == "__main__":
    main()
