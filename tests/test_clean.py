"""The cleaner on the five scraped seeds, hand-written articles from other outlets,
Markdown, sidecars, and arbitrary text (hypothesis)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from digest.article import Article, Block, SourceFile
from digest.build import load_articles
from digest.clean import (
    AUTHOR_LABELS,
    CUT_MARKERS,
    DATELINE_LABELS,
    PUBLISHER_LABELS,
    SOURCE_LABELS,
    CleaningError,
    clean_article,
    derive_headline,
    detect_lang,
    parsed_markdown_units,
    plain_paragraphs,
    starts_with,
)
from digest.cli import main
from digest.group import group_stories
from digest.source import read_sources
from digest.summarize import PARAGRAPH_SENTENCES, candidates

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "tests" / "fixtures" / "seeds"
RAW = Path(__file__).resolve().parent / "fixtures" / "raw"


def clean_file(path: Path) -> Article:
    return clean_article(SourceFile(path.name, path.read_text(encoding="utf-8"), "txt"))


def seed(prefix: str) -> Path:
    return next(CONTENT.glob(f"{prefix}_*.txt"))


def body_text(article: Article) -> str:
    return "\n".join(block.plain_text() for block in article.body)


def squash(text: str) -> str:
    return " ".join(text.split())


def kinds(article: Article, kind: str) -> list[Block]:
    return [b for b in article.body if b.kind == kind]


# --- the five seeds, field by field ----------------------------------------------------

SEED_FIELDS = {
    # prefix: (title, derived, outlet, date)
    "000": (
        "مرحلة جديدة من الشراكة.. بيزشكيان وبوتين يواجهان التحديات",
        False,
        "الأمصار",
        dt.date(2025, 1, 17),
    ),
    "001": (
        "خطوة جديدة في تحالفهما... روسيا وإيران توقّعان شراكة استراتيجية شاملة"
        " خلال زيارة بزشكيان إلى موسكو",
        False,
        None,
        None,
    ),
    "002": (
        "اجتمع الرئيس الروسي “فلاديمير بوتين” بنظيره الإيراني “مسعود پيزشكيان”",
        True,
        None,
        dt.date(2024, 10, 11),
    ),
    "003": ("الرئيسان الروسي والإيراني يوقعان معاهدة شراكة في موسكو", False, None, None),
    "004": ('وقعت روسيا وإيران "اتفاقية شراكة شاملة" تمتد لعشرين عامًا', True, "بوابة الفجر", None),
}

# prefix: (paragraphs, headings, list items)
SEED_SHAPE = {
    "000": (13, ["تنصيب الرئيس الأمريكي المنتخب دونالد ترامب", "العلاقات بين إيران وروسيا"], 5),
    "001": (18, ['"تطوير القدرات"'], 0),
    "002": (
        17,
        [
            "لقاء في زمن التحديات",
            "تعزيز العلاقات في زمن العقوبات",
            "توحيد الجهود المُشتركة",
            "التداعيات الدولية والإقليمية",
            "الآفاق المستقبلية",
        ],
        0,
    ),
    "003": (19, [], 0),
    "004": (
        12,
        [
            "تفاصيل الاتفاقية وزيارة بزشكيان إلى موسكو",
            "رسائل متعددة الأوجه للغرب وإدارة ترامب",
            "مصالح متبادلة وتحولات استراتيجية",
        ],
        0,
    ),
}

# Lines of each seed that are not article text (line numbers, 1-based), and the line
# after which everything is furniture.
SEED_FURNITURE = {
    "000": ({1, 2, 3, 5, 7, 8, 12, 22, 45}, None),
    "001": ({1}, None),
    "002": (set(), None),
    "003": ({1}, None),
    "004": ({31}, 33),
}


@pytest.mark.parametrize("prefix", sorted(SEED_FIELDS))
def test_seed_fields(prefix: str) -> None:
    article = clean_file(seed(prefix))
    title, derived, outlet, date = SEED_FIELDS[prefix]
    assert article.title == title
    assert article.title_derived is derived
    assert article.outlet == outlet
    assert article.date == date
    assert article.lang == "ar"
    assert article.source == seed(prefix).name


@pytest.mark.parametrize("prefix", sorted(SEED_SHAPE))
def test_seed_body_shape(prefix: str) -> None:
    article = clean_file(seed(prefix))
    paragraphs, headings, items = SEED_SHAPE[prefix]
    assert len(kinds(article, "paragraph")) == paragraphs
    assert [b.text for b in kinds(article, "heading")] == headings
    assert sum(len(b.items) for b in kinds(article, "list")) == items


@pytest.mark.parametrize("prefix", sorted(SEED_FURNITURE))
def test_seed_keeps_every_real_line_verbatim(prefix: str) -> None:
    """Every line that is not furniture is in the body, unchanged except whitespace."""
    path = seed(prefix)
    article = clean_file(path)
    furniture, cut_after = SEED_FURNITURE[prefix]
    text = body_text(article)
    kept = [
        squash(line)
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        if line.strip() and number not in furniture and (cut_after is None or number < cut_after)
    ]
    if SEED_FIELDS[prefix][1]:  # derived title: the lead stays in the body
        assert article.body[0].text == kept[0]
    for line in kept:
        assert line in text
    # Nothing else got in: the body is exactly those lines (list items join label+text).
    assert len(squash(text)) == len(squash(" ".join(kept)))


def test_seed_000_list_keeps_its_structure() -> None:
    article = clean_file(seed("000"))
    (block,) = kinds(article, "list")
    assert [item.split(":")[0] for item in block.items] == [
        "تعزيز التعاون الاقتصادي",
        "توسيع التعاون العسكري والأمني",
        "مواجهة النفوذ الغربي",
        "التنسيق الإقليمي",
        "التحديات المحتملة",
    ]
    intro = article.body[article.body.index(block) - 1]
    assert intro.kind == "paragraph" and intro.text.endswith("على النحو التالي:")


FURNITURE = {
    "000": [
        "مجلس التحرير",
        "نقابة الصحفيين",
        "Alexander",
        "Nemenov",
        "Astafyev",
        "Sputnik",
        "- المشهد",
        "لمدة 20 عاما",
    ],
    "003": ["| أخبار"],
    "004": [
        "المصدر:",
        "بوابة الفجر",
        "كلمات دلالية",
        "إقرأ أيضاً",
        "بايدن",
        "Biden",
        "غزة",
        "مقالات مشابهة",
        "•",
    ],
}


@pytest.mark.parametrize("prefix", sorted(FURNITURE))
def test_seed_furniture_is_gone(prefix: str) -> None:
    article = clean_file(seed(prefix))
    text = body_text(article) + "\n" + article.title
    for needle in FURNITURE[prefix]:
        assert needle not in text, needle
    lines = {block.plain_text() for block in article.body}
    assert "نشر" not in lines and "الأمصار" not in lines


def test_all_seeds_free_of_common_furniture() -> None:
    articles, errors = load_articles(CONTENT)
    assert errors == [] and len(articles) == 5
    for article in articles:
        text = body_text(article)
        for needle in ("كلمات دلالية", "مقالات مشابهة", "مجلس التحرير", "المصدر:", "•"):
            assert needle not in text


# --- other outlets: the rules generalise --------------------------------------------------


def test_egyptian_article_with_byline_breadcrumb_and_most_read() -> None:
    article = clean_file(RAW / "egypt_byline_mostread.txt")
    assert article.title.startswith("افتتاح محطة جديدة لتحلية مياه البحر")
    assert not article.title_derived
    assert article.outlet is None  # "كتب:" names an author, not an outlet
    assert article.date == dt.date(2024, 5, 5)  # Arabic-Indic digits in the dateline
    text = body_text(article)
    for needle in ("الرئيسية", "أحمد سامي", "رويترز", "اقرأ أيضا", "الأكثر قراءة", "الذهب"):
        assert needle not in text
    assert [b.kind for b in article.body] == [
        "paragraph",
        "paragraph",
        "paragraph",
        "heading",
        "paragraph",
        "list",
        "paragraph",
    ]
    assert article.body[5].items[0] == "إنشاء مآخذ المياه وخطوط الطرد."


def test_levantine_article_with_pen_name_getty_caption_and_follow_prompt() -> None:
    article = clean_file(RAW / "levant_penname_getty.txt")
    assert article.title == "مهرجان بيروت للكتاب يفتتح دورته الجديدة بمشاركة 200 دار نشر"
    assert article.outlet is None  # "المصدر: وكالات" names no outlet
    assert article.date == dt.date(2024, 10, 3)
    text = body_text(article)
    for needle in ("بقلم", "Getty", "وكالات", "تابعونا", "مواضيع ذات صلة", "الشارقة"):
        assert needle not in text
    assert len(kinds(article, "paragraph")) == 4
    assert kinds(article, "heading")[0].text == "أبرز محطات البرنامج"
    assert len(kinds(article, "list")[0].items) == 3


def test_source_label_at_the_top_image_credits_and_buttons() -> None:
    article = clean_file(RAW / "source_label_image_credits.txt")
    assert article.title == "أمطار غزيرة تغلق مدارس في ثلاث محافظات"
    assert article.outlet == "المرصد نت"  # "المصدر : المرصد نت + وكالات"
    assert article.date == dt.date(2024, 3, 12)  # from the "آخر تحديث" dateline
    text = body_text(article)
    for needle in ("الرئيسية", "Published", "حفظ", "Getty", "التعليق على الصورة", "شارك", "تابع"):
        assert needle not in text
    assert [b.kind for b in article.body] == ["paragraph", "paragraph", "paragraph", "list"]
    assert article.body[3].items == (
        "خفض السرعة: خاصة على الطرق السريعة والجسور.",
        "تجنب الأودية: إذ ترتفع المياه فيها بسرعة كبيرة خلال دقائق.",
    )


@pytest.mark.parametrize(
    ("name", "quotation"),
    [
        ("x.txt", '"إعادة الإعمار ممكنة دون تهجير سكان غزة من أرضهم" — البيان الختامي'),
        ("x.txt", "«لن نقبل بأي حل لا يضمن عودة النازحين إلى بيوتهم» - وزير الخارجية"),
        ("x.md", "> إعادة الإعمار ممكنة دون تهجير سكان غزة من أرضهم - البيان الختامي"),
    ],
)
def test_a_quotation_and_who_said_it_is_no_teaser(name: str, quotation: str) -> None:
    """A teaser is ``<headline> - <outlet>``; a quotation with its speaker after a dash has
    the same shape and is the article's own text (a Markdown quote always is)."""
    lead = "وصل الوزير إلى العاصمة اليوم في زيارة رسمية تستمر يومين."
    kind = name.rsplit(".", 1)[1]
    article = clean_article(SourceFile(name, f"{lead}\n\n{quotation}\n", kind))
    assert quotation.removeprefix("> ") in [b.plain_text() for b in article.body]


@pytest.mark.parametrize(
    "line",
    ["وقال إن فيسبوك وتويتر حجبا الحساب.", "شارك الرئيس في القمة", "فيسبوك وتويتر وواتساب"],
)
def test_sentences_naming_networks_are_kept(line: str) -> None:
    lead = "وصل الوزير إلى العاصمة اليوم في زيارة رسمية تستمر يومين."
    article = clean_article(SourceFile("x.txt", f"{lead}\n\n{line}", "txt"))
    assert line in [b.text for b in article.body]


@pytest.mark.parametrize(
    "line",
    [
        "الرئيس خلال المؤتمر الصحفي في القاهرة (أ ف ب)",  # captions
        "جانب من الاجتماع في الرياض (رويترز)",
        "صورة أرشيفية للمحطة Getty Images",
        "متظاهرون في وسط المدينة Maxim Shemetov/Reuters",
        "الصورة: وزير الخارجية خلال زيارته",
        "ربطة خبز في أحد أفران دمشق – 5 حزيران 2025 (عنب بلدي)",  # an outlet's own photo
        "طوابير أمام أحد الأفران في حلب (الجزيرة)",
        "شارك على فيسبوك | تويتر | واتساب",  # share bars
        "شارك عبر: فيسبوك، إكس، تيليجرام",
        "Facebook · X · WhatsApp · Email",
        "فيسبوك - تويتر",
    ],
)
@pytest.mark.parametrize("gap", ["\n\n", "\n"])
def test_caption_and_share_bar_lines_are_dropped(line: str, gap: str) -> None:
    lead = "وصل الوزير إلى العاصمة اليوم في زيارة رسمية تستمر يومين."
    more = "وبحث الجانبان سبل تعزيز التعاون الثنائي في مجالات عدة."
    article = clean_article(SourceFile("x.txt", f"{lead}{gap}{line}{gap}{more}", "txt"))
    assert [b.text for b in article.body] == [lead, more]


def test_agency_credit_after_a_sentence_is_kept() -> None:
    """A paragraph that ends with its source in brackets is text, not a caption."""
    lead = "وصل الوزير إلى العاصمة اليوم في زيارة رسمية تستمر يومين. (رويترز)"
    article = clean_article(SourceFile("x.txt", lead, "txt"))
    assert article.body[0].text == lead


LEAD = "وصل الوزير إلى العاصمة اليوم في زيارة رسمية تستمر يومين."
MORE = "وبحث الجانبان سبل تعزيز التعاون الثنائي في مجالات عدة."


def clean_text(text: str) -> Article:
    return clean_article(SourceFile("x.txt", text, "txt"))


@pytest.mark.parametrize(
    "headline",
    [
        "كتب الرئيس رسالة إلى نظيره",  # starts with a byline word, is not a byline
        "قمة 17 يناير 2025 تحدد مستقبل المنطقة",  # holds a date, is not a dateline
        "نشر قوات إضافية على الحدود",
    ],
)
def test_headlines_that_look_like_furniture_stay_headlines(headline: str) -> None:
    article = clean_text(f"{headline}\n\n{LEAD}\n\n{MORE}")
    assert article.title == headline
    assert [b.text for b in article.body] == [LEAD, MORE]


def test_masthead_without_blank_lines_keeps_the_headline() -> None:
    text = f"رئيس التحرير: فلان الفلاني\nعنوان الخبر الرئيسي اليوم\nنشر\nالموقع الإخباري\n{LEAD}"
    article = clean_text(text)
    assert (article.title, article.outlet) == ("عنوان الخبر الرئيسي اليوم", "الموقع الإخباري")
    assert [b.text for b in article.body] == [LEAD]


def test_kicker_dateline_and_ad_slots_are_dropped() -> None:
    text = f"عاجل\n\nعنوان الخبر\n\nمنذ 3 ساعات\n\n{LEAD}\n\nإعلان\n\n{MORE}"
    article = clean_text(text)
    assert article.title == "عنوان الخبر"
    assert [b.text for b in article.body] == [LEAD, MORE]


def test_bylines_and_datelines_at_the_end_are_dropped() -> None:
    text = f"{LEAD}\n\n{MORE}\n\nبقلم: سامي يوسف\nتاريخ النشر: 17/01/2025"
    article = clean_text(text)
    assert [b.text for b in article.body] == [LEAD, MORE]
    assert article.date == dt.date(2025, 1, 17)


@pytest.mark.parametrize(
    "line",
    [
        "نشر في 04-03-2025 الساعة 10:30",
        "نشر في: 04-03-2025 - 10:30",
        "آخر تحديث: 04-03-2025 10:30 ص",
    ],
)
def test_a_published_at_line_gives_the_date_and_leaves_the_body(line: str) -> None:
    article = clean_text(f"عنوان الخبر الرئيسي اليوم\n\n{line}\n\n{LEAD}\n\n{MORE}")
    assert article.date == dt.date(2025, 3, 4)
    assert [b.text for b in article.body] == [LEAD, MORE]


@pytest.mark.parametrize("line", ["الرياض - الثلاثاء 32 مارس 2025", "نشر في 30/02/2025"])
def test_a_dateline_whose_date_does_not_exist_is_named(line: str) -> None:
    """Rather than a date guessed from elsewhere or a silent "undated": the article is
    undated, the line is still furniture, and a note names the date and the way out."""
    article = clean_text(f"عنوان الخبر الرئيسي اليوم\n\n{line}\n\n{LEAD}\n\n{MORE}")
    assert article.date is None
    assert [b.text for b in article.body] == [LEAD, MORE]
    typo = line.split(" ", 3)[-1] if "32" in line else "30/02/2025"
    assert article.notes == (
        f"the dateline's date {typo} does not exist, so the article is undated: correct it, "
        "or give the date in a .yaml beside the article (date: YYYY-MM-DD)",
    )


def test_a_file_far_longer_than_a_report_is_named() -> None:
    """A whole site saved as one text file would be one enormous story page: a note says
    so (it is still built); a long report is not named."""
    paragraphs = [f"{MORE} ({n})" for n in range(2_500)]  # 25,000 words
    article = clean_text("\n\n".join(["عنوان الخبر الرئيسي اليوم", LEAD, *paragraphs]))
    assert len(article.body) == 2_501
    assert article.notes == (
        "25,010 words, far more than a report: is it a whole page or site saved as text? "
        "Its story page shows them all",
    )
    assert clean_text("\n\n".join(["عنوان الخبر", LEAD, *paragraphs[:300]])).notes == ()


def test_a_site_saved_as_one_line_is_read() -> None:
    """A page of 3 MB with no line break (one paragraph of thousands of sentences) is
    cleaned and grouped (in seconds: looking back along the whole line from each date and
    dot, and comparing each of its sentences with every other for the summary, took
    minutes and gigabytes; a test that hangs is the failure here, timed in no assertion)."""
    page = " ".join([squash(seed("000").read_text(encoding="utf-8"))] * 500)
    article = clean_text(page)
    [story] = group_stories([article])
    assert article.date == clean_file(seed("000")).date
    assert "is it a whole page or site saved as text?" in article.notes[0]
    assert 0 < len(candidates([article])) <= PARAGRAPH_SENTENCES  # of its one paragraph
    assert len(story.summary) == 3


def test_a_heading_starting_with_a_label_word_stays() -> None:
    article = clean_text(f"{LEAD}\n\nتحديث المنظومة الدفاعية\n\n{MORE}")
    assert article.body[1] == Block("heading", "تحديث المنظومة الدفاعية")


def test_a_paragraph_with_a_dash_is_not_a_teaser() -> None:
    line = "وأكد الوزير أن العلاقات بين البلدين قوية ومتينة في كل المجالات - حسب قوله"
    assert clean_text(f"{LEAD}\n\n{line}\n\n{MORE}").body[1].text == line


def test_inline_read_also_teaser_goes_and_the_article_goes_on() -> None:
    article = clean_text(f"{LEAD}\n\nاقرأ أيضا: الوزير يزور المدينة\n\n{MORE}")
    assert [b.text for b in article.body] == [LEAD, MORE]


# --- metadata, Markdown, sidecars ----------------------------------------------------------


def test_metadata_wins_over_detection() -> None:
    text = seed("000").read_text(encoding="utf-8")
    meta = {
        "title": "عنوان المحرر",
        "date": dt.date(2025, 1, 18),
        "source": "موقع آخر",
        "url": "https://example.org/a",
        "lang": "ar",
        "story": "iran-russia-treaty",
    }
    article = clean_article(SourceFile("000.txt", text, "txt", meta))
    assert (article.title, article.title_derived) == ("عنوان المحرر", False)
    assert article.date == dt.date(2025, 1, 18)
    assert article.outlet == "موقع آخر"
    assert article.url == "https://example.org/a" and article.story == "iran-russia-treaty"
    assert "مرحلة جديدة من الشراكة" not in body_text(article)  # detected headline not in body
    assert clean_article(SourceFile("a.txt", text, "txt", {"outlet": "X"})).outlet == "X"


def test_sidecar_title_overrides_a_derived_one(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "lead.txt").write_bytes(seed("004").read_bytes())
    (content / "lead.yaml").write_text("title: روسيا وإيران توقعان شراكة\n", encoding="utf-8")
    (article,), errors = load_articles(content)
    assert errors == []
    assert (article.title, article.title_derived) == ("روسيا وإيران توقعان شراكة", False)
    assert article.outlet == "بوابة الفجر"


MARKDOWN = """---
source: المرصد
---
# الوزير يفتتح **المعرض** الجديد

افتتح الوزير *اليوم* المعرض في [القاهرة](https://example.org) بحضور عدد من السفراء.

<script>alert(1)</script> نص بعد الوسم.

![صورة](photo.jpg)

## البرنامج

- ندوات **يومية**
- أمسيات شعرية

  تقام في الحديقة.
1. الافتتاح

## اقرأ أيضا

- خبر آخر لا علاقة له
"""


def test_markdown_body_is_parsed_into_blocks(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(MARKDOWN, encoding="utf-8")
    (source,), _ = read_sources(tmp_path)
    article = clean_article(source)
    assert article.title == "الوزير يفتتح المعرض الجديد"
    assert article.outlet == "المرصد"
    assert [b.to_json() for b in article.body] == [
        {
            "type": "paragraph",
            "text": "افتتح الوزير اليوم المعرض في القاهرة بحضور عدد من السفراء.",
        },
        {"type": "paragraph", "text": "<script>alert(1)</script> نص بعد الوسم."},
        {"type": "heading", "text": "البرنامج"},
        {"type": "list", "items": ["ندوات يومية", "أمسيات شعرية تقام في الحديقة."]},
        {"type": "list", "ordered": True, "items": ["الافتتاح"]},
    ]


def test_markdown_quotations_numbered_lists_and_tables_keep_their_shape() -> None:
    """A ``>`` quotation, a ``1.`` list and a pipe table stay what they are (not plain
    paragraphs, a bulleted list, and one paragraph of pipes); the summary reads none of
    them: its sentences stand alone."""
    from digest.summarize import summary_lead

    text = (
        "---\ntitle: نتائج الانتخابات البلدية\n---\n"
        "أعلنت الهيئة العليا للانتخابات النتائج الأولية للانتخابات البلدية مساء الأحد.\n\n"
        "> هذه الانتخابات هي الأنزه في تاريخ البلاد.\n>\n> ونشكر كل من شارك فيها.\n\n"
        "1. فرز الأصوات\n2. إعلان النتائج\n\n"
        "| الحزب | المقاعد |\n|---|---|\n| حزب الأمل | 12 |\n| حزب **الغد** | 9 |\n\n"
        "وقال رئيس الهيئة إن نسبة المشاركة بلغت ستين في المئة.\n"
    )
    article = clean_article(SourceFile("n.md", text, "md", front_matter=True))
    assert [b.to_json() for b in article.body] == [
        {
            "type": "paragraph",
            "text": "أعلنت الهيئة العليا للانتخابات النتائج الأولية للانتخابات البلدية مساء الأحد.",
        },
        {
            "type": "quote",
            "paragraphs": ["هذه الانتخابات هي الأنزه في تاريخ البلاد.", "ونشكر كل من شارك فيها."],
        },
        {"type": "list", "ordered": True, "items": ["فرز الأصوات", "إعلان النتائج"]},
        {"type": "table", "rows": [["الحزب", "المقاعد"], ["حزب الأمل", "12"], ["حزب الغد", "9"]]},
        {"type": "paragraph", "text": "وقال رئيس الهيئة إن نسبة المشاركة بلغت ستين في المئة."},
    ]
    assert "حزب الأمل" in article.texts() and "المقاعد" in article.texts()
    lead = summary_lead(article)
    assert not any("الأنزه" in p or "حزب الأمل" in p or "فرز" in p for p in lead)
    assert any("نسبة المشاركة" in p for p in lead)


def test_markdown_without_heading_derives_a_title() -> None:
    text = "انطلقت اليوم في الرياض أعمال القمة العربية بمشاركة القادة، وسط إجراءات أمنية مشددة.\n"
    article = clean_article(SourceFile("b.md", text, "md"))
    assert article.title == "انطلقت اليوم في الرياض أعمال القمة العربية بمشاركة القادة"
    assert article.title_derived


# --- headline derivation ---------------------------------------------------------------------


def test_derived_headline_is_a_clause_within_the_limit() -> None:
    for prefix in ("002", "004"):
        article = clean_file(seed(prefix))
        assert article.title_derived
        assert 20 <= len(article.title) <= 110
        assert article.title in article.body[0].text  # a piece of the lead, at word bounds
        lead_words = article.body[0].text.split()
        title_words = article.title.split()
        start = lead_words.index(title_words[0])
        assert lead_words[start : start + len(title_words)][:-1] == title_words[:-1]


def test_derived_headline_cuts_long_clauses_at_a_word_boundary() -> None:
    lead = " ".join(["كلمة"] * 80) + "."
    title = derive_headline(lead)
    assert len(title) <= 110 and title.split() == ["كلمة"] * len(title.split())


# --- errors: empty, furniture only, bad bytes ------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n   \n\t\n"])
def test_empty_file_is_a_cleaning_error_naming_the_file(text: str) -> None:
    with pytest.raises(CleaningError, match=r"news/empty\.txt"):
        clean_article(SourceFile("news/empty.txt", text, "txt"))


@pytest.mark.parametrize(
    "text",
    [
        "كلمات دلالية: روسيا إيران\n\nمقالات مشابهة\n  • خبر أول\n  • خبر ثان",
        "اقرأ أيضا\n\nخبر لا علاقة له بالموضوع\n\nخبر آخر",
        "• خبر أول\n• خبر ثان\n• خبر ثالث",
        "مجلس التحرير: مجموعة صحفيين\n\nنشر\nالموقع\n\nتابعونا على فيسبوك",
        "الرئيسية | أخبار | رياضة | فن | اتصل بنا\nشارك على فيسبوك | تويتر\n"
        "جميع الحقوق محفوظة © 2025 موقع الأخبار",
    ],
)
def test_file_with_only_furniture_is_a_cleaning_error(text: str) -> None:
    with pytest.raises(CleaningError, match=r"only\.txt.*furniture"):
        clean_article(SourceFile("only.txt", text, "txt"))


def test_bad_file_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for path in CONTENT.glob("00[01]_*.txt"):
        (content / path.name).write_bytes(path.read_bytes())
    (content / "bad.txt").write_bytes("خبر".encode() + b"\xff\xfe\x00 broken")
    (content / "empty.txt").write_text("\n", encoding="utf-8")
    articles, errors = load_articles(content)
    assert [a.source for a in articles] == sorted(p.name for p in CONTENT.glob("00[01]_*.txt"))
    assert {e.path for e in errors} == {"bad.txt", "empty.txt"}
    bad = next(e for e in errors if e.path == "bad.txt")
    assert "UTF-8" in bad.message


# --- property tests --------------------------------------------------------------------------

WORDS = [
    "الرئيس", "وزير", "الحكومة", "اجتمع", "أعلن", "المدينة", "مشروع", "جديد", "اليوم",
    "التعاون", "البلدين", "قال", "إن", "العاصمة", "الاقتصاد", "المياه", "الطاقة", "محطة",
    "افتتح", "المجلس", "القرار", "الشعب", "الأمن", "السلام", "سبوتنيك", "نشر", "كتب",
]  # fmt: skip
sentence = st.lists(st.sampled_from(WORDS), min_size=4, max_size=25).map(
    lambda ws: " ".join(ws) + "."
)
heading = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=600))
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    try:
        article = clean_article(SourceFile("any.txt", text, "txt"))
    except CleaningError as exc:
        assert "any.txt" in str(exc)
    else:
        assert article.body and article.title
        assert all(b.text or b.items for b in article.body)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=600))
def test_never_crashes_on_arbitrary_markdown(text: str) -> None:
    try:
        article = clean_article(SourceFile("any.md", text, "md"))
    except CleaningError as exc:
        assert "any.md" in str(exc)
    else:
        assert article.body and article.title


# Text that is mostly Arabic prose with, now and then, what Markdown reads as syntax.
markdownish = st.lists(
    st.sampled_from(
        list("كتب الوزير في القاهرة.") * 4
        + ["\n", "\n\n", "  ", "    ", "\t", "\xa0", "\r", "#", "-", "*", "_", "1.", "2)"]
        + ["=", "`", "[", "]", "(", ")", ">", "<", "&amp;", "\\", "!", "~", "|", "+", "0"]
    ),
    max_size=120,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(markdownish)
@example(" \tك\nك")  # a tab after a space: an indented code block (found by hypothesis)
def test_plain_markdown_shortcut_agrees_with_markdown_it(text: str) -> None:
    """Bodies without Markdown syntax skip the parser: their paragraphs are the parser's."""
    plain = plain_paragraphs(text)
    if plain is not None:
        assert plain == parsed_markdown_units(text)


def test_plain_markdown_shortcut_is_taken_for_prose_only() -> None:
    prose = "  افتتح الوزير المعرض.\nفي القاهرة،  أمس.\n \t\n\nالفقرة الثانية - وفيها شرطة.\n"
    assert plain_paragraphs(prose) == parsed_markdown_units(prose)
    assert [u.text for u in plain_paragraphs(prose)] == [
        "افتتح الوزير المعرض. في القاهرة، أمس.",
        "الفقرة الثانية - وفيها شرطة.",
    ]
    for syntax in ("# عنوان", "- بند", "1. بند", "نص *مائل*", "نص\n---", "    شيفرة", "&amp;"):
        assert plain_paragraphs(f"فقرة.\n\n{syntax}\n") is None


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(sentence, heading), min_size=1, max_size=12),
    st.sampled_from(["\n", "\n\n", "\n \n"]),
)
def test_never_drops_a_real_paragraph(lines: list[str], separator: str) -> None:
    """Any mix of sentences and short lines: every sentence ends up in the body."""
    try:
        article = clean_article(SourceFile("gen.txt", separator.join(lines), "txt"))
    except CleaningError:  # only short lines, like a menu: no article in the file
        assert not any(line.endswith(".") for line in lines)
        return
    text = body_text(article)
    for line in lines:
        if line.endswith("."):
            assert line in text
    assert article.title


@settings(max_examples=50, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=6), st.binary(max_size=40))
def test_arbitrary_bytes_never_stop_the_build(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], junk: bytes
) -> None:
    content = tmp_path_factory.mktemp("content")
    (content / "good.txt").write_text("\n\n".join(lines), encoding="utf-8")
    (content / "junk.txt").write_bytes(junk)
    articles, errors = load_articles(content)
    assert "good.txt" in [a.source for a in articles]
    assert len(articles) + len(errors) == 2
    assert all(e.path == "junk.txt" for e in errors)


# --- command line --------------------------------------------------------------------------


def test_articles_json_shows_the_cleaned_fields() -> None:
    result = CliRunner().invoke(main, ["articles", "--content", str(CONTENT), "--json"])
    assert result.exit_code == 0, result.output
    data = {item["source"]: item for item in json.loads(result.output)}
    first = data[seed("000").name]
    assert first["title"] == SEED_FIELDS["000"][0]
    assert first["title_derived"] is False
    assert first["outlet"] == "الأمصار"
    assert first["date"] == "2025-01-17"
    assert first["lang"] == "ar"
    assert {b["type"] for b in first["body"]} == {"paragraph", "heading", "list"}
    assert data[seed("002").name]["title_derived"] is True
    assert data[seed("003").name]["date"] is None


def test_a_file_of_menu_lines_is_not_an_article() -> None:
    menu = "الرئيسية\nأخبار\nرياضة\nاقتصاد\nاقرأ أيضاً:\nجميع الحقوق محفوظة © 2025\n"
    with pytest.raises(CleaningError, match=r"menu\.txt: no article text found"):
        clean_article(SourceFile("menu.txt", menu, "txt"))


def _starts_with_as_before(text: str, markers: tuple[str, ...]) -> str | None:
    """``starts_with`` without its short-head shortcut (how it was written first)."""
    import re

    from digest.clean import bare

    plain = bare(text) if len(text) <= 80 else bare(text[:80]) + " …"
    longest_first = sorted(markers, key=len, reverse=True)
    pattern = "|".join(rf"{re.escape(m)}(?= |\Z)" for m in longest_first)
    match = re.match(pattern, plain)
    return match.group() if match else None


_MARKER_SETS = (CUT_MARKERS, DATELINE_LABELS, PUBLISHER_LABELS + AUTHOR_LABELS, SOURCE_LABELS)
_RAW_MARKERS = [m for markers in _MARKER_SETS for m in markers] + [
    "اقرأ أيضاً:",
    "إقرأ ايضا",
    "المصدر :",
    "كلمات دلالية",
]


@settings(max_examples=400, deadline=None)
@given(
    head=st.sampled_from(["", " ", "«", "- ", "ـ", "\u064b", "**"]),
    marker=st.sampled_from(_RAW_MARKERS),
    glue=st.sampled_from(["", " ", ":", ": ", "ـ", "\u0651", "\u200f", "،", "-", "ً "]),
    rest=st.text(
        alphabet=st.sampled_from(
            list("ابتثجحخدذرسشصضطظعغفقكلمنهويىةءأإآ ؤئ ،:.-«»\u064e\u0640AbZ19 ")
        ),
        max_size=90,
    ),
    cut=st.integers(min_value=0, max_value=120),
)
def test_marker_shortcut_finds_what_the_full_comparison_finds(head, marker, glue, rest, cut):
    """``starts_with`` decides most lines from a short head: the same answer as
    comparing the whole folded start, for marker-like and other lines of any length."""
    for text in (head + marker + glue + rest, (head + marker + glue + rest)[:cut], rest):
        for markers in _MARKER_SETS:
            assert starts_with(text, markers) == _starts_with_as_before(text, markers)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ابتث جحخ ab CD 12 .،")), max_size=40)))
def test_language_is_arabic_when_arabic_letters_are_not_fewer_than_latin(paragraphs):
    blocks = [Block("paragraph", p) for p in paragraphs]
    text = " ".join(paragraphs)
    arabic = sum("\u0600" <= c <= "\u06ff" for c in text)  # letters and the Arabic comma
    latin = sum(c.isascii() and c.isalpha() for c in text)
    assert detect_lang(blocks) == ("ar" if arabic >= latin else "en")


def test_derived_headline_reads_past_an_abbreviation() -> None:
    """A lead that opens "قال د. ..." gives a headline of its first whole sentence, not "قال د"."""
    lead = (
        "قال د. محمد العبدالله وزير الطاقة إن الاتفاق النووي سيوقع الأسبوع المقبل. وأضاف أنه مهم."
    )
    assert (
        derive_headline(lead)
        == "قال د. محمد العبدالله وزير الطاقة إن الاتفاق النووي سيوقع الأسبوع المقبل"
    )


def test_a_read_also_line_mid_article_cuts_and_says_what_it_left_out() -> None:
    """A lone "اقرأ أيضا" line ends the body (sites append other articles after it), but
    when long paragraphs follow it the article says how many were left out, and the build
    shows that as a warning; the seeds, whose cut lines end their articles, say nothing."""
    paragraph = (
        "وأضاف المتحدث باسم الوزارة في مؤتمر صحفي عقده اليوم أن الحكومة ماضية في تنفيذ "
        "خطتها الاقتصادية رغم الصعوبات التي تواجهها البلاد منذ مطلع العام الجاري، وأن "
        "المرحلة المقبلة ستشهد إجراءات جديدة لدعم الأسر محدودة الدخل."
    )
    text = "\n\n".join(
        [
            "الحكومة تعلن خطة اقتصادية جديدة",
            "أعلنت الحكومة اليوم عن خطة اقتصادية جديدة لمواجهة ارتفاع الأسعار.",
            paragraph,
            "اقرأ أيضا",
            "وزير المالية يلتقي وفد صندوق النقد الدولي",
            paragraph.replace("وأضاف", "وأكد"),
            paragraph.replace("وأضاف", "وتابع"),
            paragraph.replace("وأضاف", "وختم"),
        ]
    )
    article = clean_article(SourceFile("news.txt", text + "\n", "txt"))
    assert len(article.body) == 2
    assert article.notes == (
        '3 paragraphs after the line "اقرأ أيضا" are left out, taken for other articles; '
        "if they are this article's, delete that line",
    )
    assert article.to_json()["notes"] == list(article.notes)
    for prefix in ("000", "001", "002", "003", "004"):
        assert clean_file(seed(prefix)).notes == ()


def test_tables_without_outer_pipes_and_lists_that_start_later_keep_their_shape() -> None:
    """A table whose rows have no outer pipes and whose divider is aligned (``:---``) is
    still a table; a numbered list interrupted by a paragraph goes on from its number; two
    quotations one after the other stay two."""
    from digest.clean import markdown_units

    quotes = clean_article(SourceFile("q.md", "نص.\n\n> أ\n\n> ب\n>\n> ج\n", "md")).body
    assert [b.to_json() for b in quotes[1:]] == [
        {"type": "quote", "paragraphs": ["أ"]},
        {"type": "quote", "paragraphs": ["ب", "ج"]},
    ]  # two quotations, not one
    [_, table] = markdown_units("مقدمة.\n\nالاسم | العمر\n:--- | ---:\nعلي | 5\n")
    assert table.kind == "table" and table.rows == (("الاسم", "العمر"), ("علي", "5"))
    text = (
        "---\ntitle: خطوات\n---\n1. الأولى\n\nفقرة بين الخطوات تشرح ما سبق.\n\n"
        "2. الثانية\n3. الثالثة\n"
    )
    article = clean_article(SourceFile("s.md", text, "md", front_matter=True))
    lists = [b.to_json() for b in article.body if b.kind == "list"]
    assert lists == [
        {"type": "list", "ordered": True, "items": ["الأولى"]},
        {"type": "list", "ordered": True, "start": 2, "items": ["الثانية", "الثالثة"]},
    ]


# --- the tops and tails of other sites' pages (a trial with 35 files from ten outlets) ----


def _texts(article: Article) -> list[str]:
    return [text for block in article.body for text in block.texts()]


OPEN = "انتهت القمة التي جمعت الرئيس الأميركي دونالد ترامب ونظيره الروسي في ألاسكا دون اتفاق."
NEXT = "وقال ترامب إن المحادثات كانت مثمرة للغاية، وإنه سيتصل بالقادة الأوروبيين."
HEAD = "العنوان هنا في أربع كلمات\n\n"


@pytest.mark.parametrize(
    ("top", "outlet"),
    [
        ("الجزيرة نت\nأخبار|سياسة\n\n{h}\n\n16/8/2025\n|\n", "الجزيرة نت"),
        ("RT Arabic\nالعالم\n\n{h}\n\n15.08.2025 | 23:58 GMT\n", "روسيا اليوم"),
        ("اليوم السابع\nالرئيسية\nأخبار عالمية\n\n{h}\n\nالثلاثاء، 19 أغسطس 2025 01:30 ص\n"
         "كتب أحمد جمعة\n", "اليوم السابع"),
        ("الأناضول\nعالم\n{h}\n\nواشنطن/ الأناضول\n\n18.08.2025\n", "الأناضول"),
        ("الشرق الأوسط\nجريدة العرب الدولية\n\n"
         "السبت - 22 صفر 1447 هـ - 16 أغسطس 2025 مـ - رقم العدد [ 17064 ]\n\n{h}\n\n"
         "واشنطن: علي بردى\n", "الشرق الأوسط"),
        ("بوابة الأهرام\nرئيس مجلس الإدارة: د.محمد فايز فرحات\nرئيس التحرير: ماجد منير\n\n"
         "{h}\n\nالخميس 19 ديسمبر 2024\n\nأحمد إمام\n", "بوابة الأهرام"),
        ("سكاي نيوز عربية\nمنذ 3 ساعات\n\nأبوظبي - سكاي نيوز عربية\n\n{h}\n\n"
         "نشر في: 16 أغسطس 2025 - 06:15 بتوقيت أبوظبي\n", "سكاي نيوز عربية"),
        ("قناة العالم\nالأخبار - إيران\n\n{h}\n", "قناة العالم"),
        ("{h}\n\n{h}\n\nالقاهرة - سكاي نيوز عربية - رويترز\n", "سكاي نيوز عربية"),
    ],
)  # fmt: skip
def test_a_sites_masthead_sections_and_byline_are_not_the_headline(top: str, outlet: str) -> None:
    """Above and below the headline, sites print their name (the outlet), section labels,
    datelines and bylines without a label; none of them is the headline or the text."""
    headline = "قمة ألاسكا تنتهي دون اتفاق على وقف إطلاق النار"
    article = clean_text(top.format(h=headline) + f"\n{OPEN}\n\n{NEXT}\n")
    assert article.title == headline
    assert article.outlet == outlet
    assert _texts(article) == [OPEN, NEXT]


def test_the_dateline_dates_the_report_over_a_day_its_text_schedules() -> None:
    """The report's own dateline, not the next meeting's weekday-named date."""
    text = (
        "المركزي المصري يخفض الفائدة بنسبة 2.25 بالمئة\n\n17 أبريل 2025 - 17:10 بتوقيت أبوظبي\n\n"
        f"{OPEN}\n\nومن المقرر أن تعقد اللجنة اجتماعها المقبل يوم الخميس 22 مايو 2025.\n"
    )
    assert clean_text(text).date == dt.date(2025, 4, 17)
    published = "نشر في: 16 أغسطس 2025 - 06:15 بتوقيت أبوظبي"  # "نشر في" is one label
    article = clean_text(HEAD + f"{published}\n\n{OPEN}\n\n{NEXT}\n")
    assert article.date == dt.date(2025, 8, 16) and _texts(article) == [OPEN, NEXT]


@pytest.mark.parametrize(
    "paragraph",
    [
        "صور الأقمار الصناعية التي نشرتها شركة ماكسار الشهر الماضي أظهرت تقدما كبيرا في البناء",
        "صورة قاتمة رسمها تقرير البنك الدولي الأخير لآفاق النمو في المنطقة",
        "وقال مسؤول في البنك لرويترز إن الزيادة تعكس تحسن تدفقات السياحة (رويترز)",
        "وقال مسؤول في الوزارة إن القرار نهائي (الجزيرة)",
        "ارتفع سعر ربطة الخبز عشرة أضعاف في يوم واحد. (عنب بلدي)",
        "وارتفعت الصادرات بنسبة 5 بالمئة وفق بيانات نقلتها وكالة AFP",
        "الجولة الأولى: الاثنين 4 أغسطس 2025",  # a schedule's line, not a dateline
        "جولة الإعادة: الأربعاء 27 أغسطس 2025",
    ],
)
def test_prose_that_starts_like_a_caption_or_ends_in_an_agency_is_kept(paragraph: str) -> None:
    article = clean_text(HEAD + f"{OPEN}\n\n{paragraph}\n\n{NEXT}\n")
    assert _texts(article) == [OPEN, paragraph, NEXT]


def test_bbc_style_furniture_and_labelled_captions_are_left_out() -> None:
    text = (
        "ترامب يستقبل زيلينسكي وقادة أوروبيين في البيت الأبيض\n\nمصدر الصورة،\nGetty Images\n"
        "التعليق على الصورة،\nترامب وزيلينسكي في المكتب البيضاوي\n\nArticle information\n"
        "Author, فريق بي بي سي نيوز عربي\n18 أغسطس/ آب 2025\n\n"
        f"{OPEN}\n\n{NEXT}\n\nصورة أرشيفية\n\nالمزيد حول هذه القصة\nترامب وبوتين في ألاسكا\n"
    )
    article = clean_text(text)
    assert article.date == dt.date(2025, 8, 18)
    assert _texts(article) == [OPEN, NEXT]


def test_a_read_more_box_mid_article_keeps_the_text_after_it() -> None:
    """RT's "اقرأ المزيد" box sits inside the article: its own source line after it says
    the text goes on (without one, what follows is taken for other articles, as before)."""
    after = "وأدى الهجوم إلى تعليق الرحلات في مطارات موسكو الأربعة لعدة ساعات."
    text = HEAD + f"{OPEN}\n\nاقرأ المزيد\n\n{after}\n\nالمصدر: RT\n"
    article = clean_text(text)
    assert _texts(article) == [OPEN, after] and article.outlet == "RT"
    assert _texts(clean_text(text.replace("المصدر: RT\n", ""))) == [OPEN]


@pytest.mark.parametrize("tail", ["مواضيع\nروسيا\nأميركا", "الكلمات الدالة\nترامب", "شاركها"])
def test_more_end_of_page_furniture_is_cut(tail: str) -> None:
    article = clean_text(HEAD + f"{OPEN}\n\n{NEXT}\n\n{tail}\n")
    assert _texts(article) == [OPEN, NEXT]


def test_an_agencys_closing_credit_is_the_outlet_not_text() -> None:
    article = clean_text(HEAD + f"{OPEN}\n\n{NEXT}\n\nالأناضول\n")
    assert _texts(article) == [OPEN, NEXT] and article.outlet == "الأناضول"


def test_a_markdown_articles_first_heading_stays_under_its_front_matter_title() -> None:
    body = f"## الخلفية\n\n{OPEN}\n\n{NEXT}\n"
    source = SourceFile("a.md", body, "md", meta={"title": "عنوان المقال"}, front_matter=True)
    article = clean_article(source)
    assert article.title == "عنوان المقال"
    assert (article.body[0].kind, article.body[0].plain_text()) == ("heading", "الخلفية")


@pytest.mark.parametrize("repeat", ["{title}", "# {title}", "**{title}.**"])
def test_a_body_repeating_its_front_matter_title_shows_it_once(repeat: str) -> None:
    """Pasted articles often start with their headline again, as a plain line too."""
    title = "الرئيس الإيراني يزور موسكو"
    body = f"{repeat.format(title=title)}\n\n{OPEN}\n\n{NEXT}\n"
    source = SourceFile("a.md", body, "md", meta={"title": title}, front_matter=True)
    assert _texts(clean_article(source)) == [OPEN, NEXT]
    alone = SourceFile("b.md", f"{title}\n", "md", meta={"title": title}, front_matter=True)
    assert _texts(clean_article(alone)) == [title]  # the title is all the text there is


def test_a_three_word_headline_above_a_longer_line_is_the_headline() -> None:
    """Only labels of two words or a site's tagline ("جريدة العرب الدولية") give way to
    the longer line below them; a short headline does not."""
    longer = "قمة ألاسكا تنتهي دون اتفاق على وقف النار"
    article = clean_text(f"عنوان آخر للمقال\n\n{longer}\n\n{OPEN}\n")
    assert article.title == "عنوان آخر للمقال"


@pytest.mark.parametrize(
    "caption",
    ["وزير الخارجية يصل إلى موسكو (رويترز)", "فلسطينيون يتفقدون الدمار في غزة (الأناضول)"],
)
def test_a_caption_starting_with_waw_or_fa_is_still_a_caption(caption: str) -> None:
    """Only prose openers ("وقال", "كما") mark a credit-ended line as the report's text:
    a caption may start with و or ف as part of a word (وزير، فلسطينيون)."""
    assert _texts(clean_text(HEAD + f"{OPEN}\n\n{caption}\n\n{NEXT}\n")) == [OPEN, NEXT]


@pytest.mark.parametrize(
    ("author", "outlet"),
    [
        ("فريق بي بي سي نيوز عربي", "بي بي سي نيوز عربي"),
        ("بي بي سي نيوز عربي", "بي بي سي نيوز عربي"),
        ("جيريمي بوين", None),  # a person: no outlet
    ],
)
def test_an_author_line_crediting_an_outlet_gives_the_outlet(author: str, outlet: str) -> None:
    """BBC Arabic pages name no outlet but in "Article information / Author, ..."."""
    text = f"{HEAD}Article information\nAuthor, {author}\n19 مارس/ آذار 2025\n\n{OPEN}\n\n{NEXT}\n"
    article = clean_text(text)
    assert (article.outlet, _texts(article)) == (outlet, [OPEN, NEXT])
    assert article.date is not None and article.date.isoformat() == "2025-03-19"


PAGE = "https://www.aljazeera.net/news/2025/3/18/trump-putin-call"


def test_the_pages_address_on_a_line_of_its_own_is_the_reports_link() -> None:
    """A scraped file that gives its page's address: the "read the original" link, the
    outlet of a well-known site, and the day in the address; never a heading of the text."""
    article = clean_text(f"{HEAD}{PAGE}\n\n{OPEN}\n\n{NEXT}\n")
    assert _texts(article) == [OPEN, NEXT]
    assert (article.url, article.outlet) == (PAGE, "الجزيرة نت")
    assert article.date is not None and article.date.isoformat() == "2025-03-18"


@pytest.mark.parametrize(
    "line",
    [
        "المصدر: https://www.youm7.com/story/2025/4/17/x/7012345",
        "رابط الخبر: https://www.youm7.com/story/2025/4/17/x/7012345",
        "https://www.youm7.com/story/2025/4/17/x/7012345",
    ],
)
def test_a_source_address_at_the_end_is_the_link_not_an_outlet_called_https(line: str) -> None:
    article = clean_text(f"{HEAD}{OPEN}\n\n{NEXT}\n\n{line}\n")
    assert _texts(article) == [OPEN, NEXT]
    assert article.url == line.split()[-1] and article.outlet == "اليوم السابع"


def test_more_on_teasers_and_section_links_are_left_out_and_sentences_like_them_kept() -> None:
    teaser = "للمزيد: قراءة في زيارة عراقجي إلى المنطقة"
    article = clean_text(f"{HEAD}{OPEN}\n\n{teaser}\n\n{NEXT}\n\nالمزيد من إيران\n")
    assert _texts(article) == [OPEN, NEXT]
    for sentence in (
        "للمزيد من التفاصيل يمكن مراجعة البيان الذي نشرته الوزارة على موقعها.",
        "المزيد من الضحايا سقطوا في القصف.",
    ):
        assert _texts(clean_text(f"{HEAD}{OPEN}\n\n{sentence}\n")) == [OPEN, sentence]


def test_an_address_on_the_outlets_own_site_in_the_text_is_the_reports_link() -> None:
    """DW prints its short link under the standfirst: on DW's own site, it is the page's
    address; another outlet's address there is not."""
    short = "https://p.dw.com/p/4vXyZ"
    article = clean_text(f"DW عربية\n\n{HEAD}{OPEN}\n\n{short}\n\n{NEXT}\n")
    assert _texts(article) == [OPEN, NEXT]
    assert (article.outlet, article.url) == ("DW عربية", short)
    article = clean_text(f"سكاي نيوز عربية\n\n{HEAD}{OPEN}\n\n{short}\n\n{NEXT}\n")
    assert article.url is None


def test_other_addresses_are_not_the_reports_own() -> None:
    """A post's address in the text is dropped, not taken as the report's; a masthead's
    outlet wins over the site's; an address in a sentence stays; an unknown site gives the
    link but no outlet."""
    post = "https://twitter.com/someone/status/1901234567890"
    article = clean_text(f"{HEAD}{OPEN}\n\n{post}\n\n{NEXT}\n")
    assert _texts(article) == [OPEN, NEXT] and article.url is None
    article = clean_text(f"سكاي نيوز عربية\n\n{HEAD}{PAGE}\n\n{OPEN}\n")
    assert (article.outlet, article.url) == ("سكاي نيوز عربية", PAGE)
    sentence = f"ونشرت الوزارة البيان كاملا على موقعها {PAGE} مساء الثلاثاء."
    assert _texts(clean_text(f"{HEAD}{OPEN}\n\n{sentence}\n")) == [OPEN, sentence]
    article = clean_text(f"{HEAD}https://example-news.org/a/1\n\n{OPEN}\n")
    assert (article.url, article.outlet) == ("https://example-news.org/a/1", None)


# --- a second trial: a week of 18 reports from outlets the first one did not cover ------

TRIAL2 = ROOT / "tests" / "fixtures" / "grouping" / "trial2"


@functools.cache
def _trial2() -> dict[str, Article]:
    return {article.source: article for article in load_articles(TRIAL2)[0]}


def trial2(name: str) -> Article:
    return _trial2()[name]


def test_an_unlabelled_author_above_a_labelled_date_is_not_the_headline() -> None:
    """Shorouk: "محمد علاء" above "نشر في: الإثنين ٢ يونيو ٢٠٢٥": the date line is a
    dateline, so the headline is found as without a byline, above the author."""
    article = trial2("a04_shorouk_araghchi_cairo.txt")
    assert article.title == "وزير الخارجية يبحث مع نظيره الإيراني تطورات غزة وأمن البحر الأحمر"
    assert "محمد علاء" not in body_text(article)
    assert article.date == dt.date(2025, 6, 2)


def test_a_follow_button_above_the_article_does_not_cut_it_off() -> None:
    """Sputnik's "تابعنا عبر" sits under the headline: above the text it is a button, not
    the end of the article (below the text it still cuts, as before)."""
    article = trial2("a02_sputnik_araghchi_cairo.txt")
    text = body_text(article)
    assert "التقى وزير الخارجية الإيراني عباس عراقتشي" in text
    assert "وتأتي زيارة عراقتشي إلى القاهرة ضمن جولة إقليمية تشمل لبنان." in text
    assert "تابعنا" not in text
    tail = clean_text(HEAD + f"{OPEN}\n\nتابعنا عبر\n\n{NEXT}\n")
    assert _texts(tail) == [OPEN]


@pytest.mark.parametrize(
    "line",
    [
        "تابعوا المصري اليوم على Google News",
        "تابع أحدث الأخبار عبر تطبيق google news",
        "اشترك لتصلك أهم الأخبار",
        "الميادين نت - اشترك في النشرة",
        "انضم إلى قناتنا على تيليغرام",
        "ads",
    ],
)
def test_follow_subscribe_and_join_prompts_are_left_out(line: str) -> None:
    for text in (HEAD + f"{line}\n\n{OPEN}\n\n{NEXT}\n", HEAD + f"{OPEN}\n\n{line}\n\n{NEXT}\n"):
        assert line not in _texts(clean_text(text))


@pytest.mark.parametrize(
    "line", ["انضم اللاعب إلى صفوف الفريق الأول", "اشتراك مصر في البطولة القارية"]
)
def test_headings_that_start_like_a_prompt_are_kept(line: str) -> None:
    assert line in _texts(clean_text(HEAD + f"{OPEN}\n\n{line}\n\n{NEXT}\n"))


@pytest.mark.parametrize(
    ("name", "last"),
    [
        ("e01_ahram_egypt_inflation.txt", "بالبنك المركزي المصري المقرر في العاشر من يوليو"),
        ("f01_aawsat_saudi_inflation.txt", "من بين الأدنى في مجموعة العشرين."),
        ("d03_sputnik_bread_price.txt", "ارتفاع تكاليف استيراد القمح والمحروقات."),
        ("c03_alaraby_sanchez_rabat.txt", "مطلع فبراير/ شباط 2023."),
    ],
)
def test_a_tag_list_without_its_label_ends_nothing_but_the_page(name: str, last: str) -> None:
    """Tags printed as short lines after the last sentence ("السعودية", "التضخم"), or
    under "دلالات", are not text; one named like an outlet (الأخبار) is no outlet."""
    article = trial2(name)
    assert last in article.body[-1].plain_text()
    assert article.outlet != "الأخبار"


def test_short_lines_after_the_text_that_are_one_credit_or_a_list_are_kept() -> None:
    credit = clean_text(HEAD + f"{OPEN}\n\n{NEXT}\n\nإعلان\n\nالأناضول\n")
    assert (_texts(credit), credit.outlet) == ([OPEN, NEXT], "الأناضول")
    listed = clean_text(HEAD + f"{OPEN}\n\nوشملت المرحلة الأولى:\n\nالقاهرة\n\nالجيزة\n")
    assert _texts(listed)[-2:] == ["القاهرة", "الجيزة"]


@pytest.mark.parametrize(
    "dateline",
    [
        "الإثنين 02-06-2025 14:35 | آخر تحديث: الإثنين 02-06-2025 15:10",
        "13:52 GMT 02.06.2025 (تم التحديث: 14:20 GMT 02.06.2025)",
        "نشرت في: 03/06/2025 - 12:45",
        "8-6-2025 | 11:32",
    ],
)
def test_datelines_side_by_side_or_labelled_as_published_are_datelines(dateline: str) -> None:
    """Al-Masry Al-Youm, Sputnik, France 24 and Al-Ahram print the first and last
    publication on one line, or say "نشرت في": the date, not a line of text."""
    article = clean_text(HEAD + f"{dateline}\n\n{OPEN}\n\n{NEXT}\n")
    assert _texts(article) == [OPEN, NEXT] and article.title == HEAD.strip()
    assert article.date is not None and article.date.isoformat() in (
        "2025-06-02",
        "2025-06-03",
        "2025-06-08",
    )


def test_a_schedule_of_two_dates_is_still_text() -> None:
    line = "الجولة الأولى: 4 أغسطس 2025 | جولة الإعادة: 27 أغسطس 2025"
    assert line in _texts(clean_text(HEAD + f"{OPEN}\n\n{line}\n\n{NEXT}\n"))


@pytest.mark.parametrize(
    ("name", "outlet"),
    [
        ("a02_sputnik_araghchi_cairo.txt", "سبوتنيك عربي"),
        ("a04_shorouk_araghchi_cairo.txt", "بوابة الشروق"),
        ("b02_dw_araghchi_beirut.txt", "DW عربية"),  # not AFP, of a photo's credit
        ("b03_enab_araghchi_beirut.txt", "عنب بلدي"),
        ("d02_syriatv_bread_price.txt", "تلفزيون سوريا"),
        ("e02_masrawy_egypt_inflation.txt", "مصراوي"),
    ],
)
def test_the_mastheads_of_more_outlets_name_the_outlet(name: str, outlet: str) -> None:
    article = trial2(name)
    assert article.outlet == outlet
    assert outlet not in [b.plain_text() for b in article.body]
