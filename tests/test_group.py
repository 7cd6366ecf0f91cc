"""Story grouping on the seed articles and the labelled look-alike fixtures."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import importlib.util
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from digest.article import Article, Block, Story
from digest.build import load_articles
from digest.cli import main
from digest.group import group_stories, story_index
from digest.story_features import Analyzer, raw_tokens
from digest.story_ids import slugify
from digest.summarize import is_summary_sentence, without_credit

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "tests" / "fixtures" / "seeds"
GROUPING = ROOT / "tests" / "fixtures" / "grouping"
MOSCOW = {
    "000_9062e53052813c90.txt",
    "001_aa6171b58bcd83fd.txt",
    "003_12a0ae8c2fa6360b.txt",
    "004_61fe74cacd66f751.txt",
}
ASHGABAT = {"002_ab5b8c60f657b26b.txt"}


def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_grouping", ROOT / "bench/eval_grouping.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    articles, errors = load_articles(CONTENT)
    assert not errors
    return articles


def _members(story: Story) -> set[str]:
    return {a.source for a in story.articles}


def _article(source: str, title: str, *paragraphs: str, date: dt.date | None = None) -> Article:
    return Article(
        source=source,
        title=title,
        title_derived=False,
        outlet=None,
        date=date,
        lang="ar",
        body=tuple(Block("paragraph", p) for p in paragraphs),
    )


NEW_MOSCOW = _article(
    "005_moscow_signing.txt",
    "بوتين وبزشكيان يوقعان في موسكو معاهدة الشراكة الاستراتيجية الشاملة",
    "وقع الرئيس الروسي فلاديمير بوتين ونظيره الإيراني مسعود بزشكيان، الجمعة في الكرملين "
    "بموسكو، معاهدة الشراكة الاستراتيجية الشاملة بين روسيا وإيران لمدة 20 عاما.",
    "وقال بوتين في مؤتمر صحفي مشترك إن المعاهدة تغطي التجارة والطاقة والنقل والتعاون "
    "العسكري، فيما وصفها بزشكيان بأنها فصل جديد في العلاقات بين البلدين.",
    date=dt.date(2025, 1, 17),
)
UNRELATED = _article(
    "006_morocco_quake.txt",
    "زلزال قوي يضرب إقليم الحوز في المغرب ويخلف مئات القتلى",
    "ضرب زلزال بقوة 6.8 درجات إقليم الحوز جنوب غرب مراكش، وأعلنت وزارة الداخلية المغربية "
    "سقوط مئات القتلى والجرحى في القرى الجبلية.",
    "وهرع سكان مراكش إلى الشوارع خوفا من الهزات الارتدادية، فيما تواصل فرق الإنقاذ البحث "
    "عن ناجين تحت الأنقاض.",
    date=dt.date(2023, 9, 9),
)


def test_seeds_give_the_two_expected_stories_linked_as_related(seeds):
    stories = group_stories(seeds)
    assert [_members(s) for s in stories] == [MOSCOW, ASHGABAT]  # newest first
    moscow, ashgabat = stories
    assert moscow.date == dt.date(2025, 1, 17)
    assert ashgabat.date == dt.date(2024, 10, 11)
    assert moscow.related == (ashgabat.id,)
    assert ashgabat.related == (moscow.id,)
    for story in stories:
        assert re.fullmatch(r"[a-z0-9-]+", story.id)
        assert story.slug == story.id


def test_headline_and_summary_come_from_the_member_articles(seeds):
    for story in group_stories(seeds):
        assert story.headline in {a.title for a in story.articles}
        assert 2 <= len(story.summary) <= 4
        assert len(set(story.summary)) == len(story.summary)
        texts = [" ".join(b.plain_text() for b in a.body) for a in story.articles]
        for sentence in story.summary:
            assert any(sentence in text for text in texts)
            assert sentence.endswith((".", "!", "؟", "?", "…", '"', "”"))
    moscow = group_stories(seeds)[0]
    # Written titles beat a title the cleaner derived from a first sentence.
    assert not next(a for a in moscow.articles if a.title == moscow.headline).title_derived
    # Summary sentences come from across the articles, not from one.
    sources = {a.source for a in moscow.articles for s in moscow.summary if s in str(a.body)}
    assert len(sources) >= 2
    # ... and do not tell one event twice ("signs" twice, "arrived in Russia/in Moscow").
    from digest.story_lexicon import event_kind

    kinds = [{event_kind(t) for t in raw_tokens(s)} - {None} for s in moscow.summary]
    assert {"sign", "visit"} <= set().union(*kinds)
    assert all(not (a & b) for i, a in enumerate(kinds) for b in kinds[i + 1 :])


@pytest.mark.parametrize(
    ("sentence", "alone"),
    [
        ("فالتحالف الروسي الإيراني بات يشكل أحد أركان المواجهة في ساحات المعارك.", False),
        ("فقد أكد الوزير أن المحادثات ستستمر خلال الأسبوع المقبل في الدوحة.", False),
        ("لكن الاتفاق لم يتضمن بندا للدفاع المشترك كما كان متوقعا من قبل.", False),
        ("وهي نسجت علاقات وطيدة في عدّة مجالات وتتقارب مواقفها في ملفات كثيرة.", False),
        ("في السنوات الأخيرة، توطّد التحالف القائم بين روسيا وإيران الخاضعتين لعقوبات.", True),
        ("فلسطين تطالب مجلس الأمن بعقد جلسة طارئة لبحث التصعيد في الضفة الغربية.", True),
        ("فرنسا تعلن عن مساعدات جديدة للبنان بقيمة مئة مليون يورو خلال العام.", True),
        ("وتسعى طهران وموسكو، إلى جانب بكين، إلى التصدّي للنفوذ الأميركي.", True),
        ("لكنّ وزير الخارجية قال إن المحادثات لم تتطرق إلى ملف الأسلحة بعد.", False),
        ("لكنهم أكدوا أن الاتفاق سيوقع خلال الأسابيع المقبلة في العاصمة.", False),
        ("لذا قررت الحكومة تأجيل الانتخابات البلدية إلى موعد لم يحدد بعد.", False),
        ("وبذلك يصل سعر عائد الإيداع لليلة واحدة إلى 25% بعد القرار.", False),
        ("فإنّ الاتفاق يشمل التعاون في مجالات الطاقة والنقل والتجارة.", False),
        ("هؤلاء الوزراء وصلوا إلى العاصمة صباح اليوم لحضور القمة الطارئة.", False),
        ("فقدت العملة المحلية عشرة بالمئة من قيمتها خلال الأسبوع الماضي.", True),
        ("فانس يزور إسرائيل الأسبوع المقبل في أول جولة له في المنطقة.", True),
        ("فيما أعلنت الحكومة عن خطة جديدة لدعم المزارعين المتضررين.", True),
        ("إذاعة الجيش أفادت بأن الاجتماع سيعقد مساء اليوم في تل أبيب.", True),
        ("هيئة الانتخابات أعلنت النتائج الأولية للدورة الأولى من الاقتراع.", True),
        ("لبنان يطالب بوقف الغارات على أراضيه وانسحاب القوات من الجنوب.", True),
        # a verb of saying with no one saying it: the sentence before names the speaker
        ("وقال بالإنجليزية مخاطباً ترمب إن الاجتماع كان جيدا جدا ومثمرا.", False),
        ("وقال إن الاتفاق سيوقع خلال الأسابيع المقبلة في العاصمة.", False),
        ("وأضافت في بيان أن الوزارة مستعدة للتعاون مع جميع الأطراف.", False),
        ("وقال ترامب إن الاتفاق جيد للبلدين وإنه سيوقعه الأسبوع المقبل.", True),
        ("وقالت الوزارة في بيان إنها مستعدة للتعاون مع جميع الأطراف.", True),
        ("قالت مصادر أمنية إن الهجوم وقع ليلا قرب الحدود الشمالية.", True),
        # "also", "as for", "for his part", "meanwhile": what came before is another's
        ("كما أعلن الجانبان تسهيلات في منح التأشيرات للطلاب ورجال الأعمال.", False),
        ("أما بوتين فقال إنه يأمل أن يكون التفاهم نقطة انطلاق لحل النزاع.", False),
        ("من جهته، قال بوتين إن التفاهمات قد تمهد الطريق نحو السلام في أوكرانيا.", False),
        ("من جانبه قال أردوغان إن بلاده تسعى لرفع حجم التبادل التجاري مع مصر.", False),
        ("في الوقت نفسه، يُثير التقارب الإيراني الروسي حالة من القلق في الغرب.", False),
        ("في المقابل، يستعد الرئيس الأوكراني لزيارة واشنطن غداً الإثنين.", False),
        ("ومن جهة أخرى، أعلنت الوزارة عن خطة جديدة لدعم المزارعين المتضررين.", False),
        ("أمام البرلمان المغربي قال ماكرون إن الصحراء تندرج في إطار السيادة.", True),
        ("من المقرر أن يزور ماكرون مدينة وهران في غرب البلاد ويلتقي شبابا.", True),
        ("كمال كيليتشدار أوغلو يعلن ترشحه للانتخابات الرئاسية في تركيا.", True),
    ],
)
def test_summary_sentences_are_understood_alone(sentence: str, alone: bool) -> None:
    """A summary quotes sentences one by one: none that opens by pointing back ("so the
    alliance", "but", "and it"); ف or و that belongs to the word (فلسطين, وتسعى) is fine."""
    assert is_summary_sentence(sentence) is alone


def test_no_summary_sentence_opens_by_pointing_back_to_another_sentence():
    """The fixtures' reports go on "كما أعلن الجانبان ..." (also), "أما بوتين فقال ..." (as
    for Putin), "من جهته، ..." (for his part), "في الوقت نفسه، ..." (meanwhile): sentences
    that lean on the one before them in their report, which a summary does not quote."""
    grouping = ROOT / "tests" / "fixtures" / "grouping"
    summaries = [
        sentence
        for folder in (CONTENT, grouping / "trial", grouping / "lookalikes", grouping / "undated")
        for story in group_stories(load_articles(folder)[0], {})
        for sentence in story.summary
    ]
    for opener in ("كما ", "أما ", "في الوقت نفسه", "من جهته", "من جانبه"):
        assert not [s for s in summaries if s.startswith(opener)], opener
    from digest.summarize import opens_pointing_back

    assert not [s for s in summaries if opens_pointing_back(s)]


def test_ids_stay_when_an_article_joins_and_unrelated_ones_are_added(seeds):
    before = group_stories(seeds)
    known = story_index(before)
    after = group_stories([*seeds, NEW_MOSCOW, UNRELATED], known)
    by_id = {s.id: s for s in after}
    for story in before:
        assert story.id in by_id
    moscow_id, ashgabat_id = before[0].id, before[1].id
    assert _members(by_id[moscow_id]) == MOSCOW | {NEW_MOSCOW.source}
    assert _members(by_id[ashgabat_id]) == ASHGABAT
    new = [s for s in after if s.id not in {moscow_id, ashgabat_id}]
    assert [_members(s) for s in new] == [{UNRELATED.source}]
    assert new[0].id.startswith("2023-09-09-")
    # Without the registry the grown story gets its id again, from its first report.
    assert group_stories([*seeds, NEW_MOSCOW])[0].id == moscow_id
    # And the registry round-trips: regrouping with the new index changes nothing.
    again = group_stories([UNRELATED, *seeds, NEW_MOSCOW], story_index(after))
    assert [s.to_json() for s in again] == [s.to_json() for s in after]


def test_split_story_keeps_its_id_on_the_larger_part(seeds):
    known = {a.source: "old-story" for a in seeds}  # once, all five were one story
    stories = group_stories(seeds, known)
    assert stories[0].id == "old-story" and _members(stories[0]) == MOSCOW
    assert stories[1].id != "old-story"


def test_editor_pins_win(seeds):
    pinned = []
    for article in seeds:
        if article.source in {"000_9062e53052813c90.txt", "002_ab5b8c60f657b26b.txt"}:
            article = dataclasses.replace(article, story="Russia Iran 2025")
        elif article.source == "001_aa6171b58bcd83fd.txt":
            article = dataclasses.replace(article, story="kremlin-visit")
        pinned.append(article)
    stories = {s.id: s for s in group_stories(pinned)}
    assert {"000_9062e53052813c90.txt", "002_ab5b8c60f657b26b.txt"} <= _members(
        stories["russia-iran-2025"]
    )
    assert "001_aa6171b58bcd83fd.txt" in _members(stories["kremlin-visit"])
    # Pins win over the registry too.
    known = {a.source: "something-else" for a in seeds}
    ids = {a.source: s.id for s in group_stories(pinned, known) for a in s.articles}
    assert ids["001_aa6171b58bcd83fd.txt"] == "kremlin-visit"


def test_pins_are_slugified_to_ascii():
    assert slugify("Gaza Vote: 2024!") == "gaza-vote-2024"
    arabic = slugify("قمة الرياض")
    assert re.fullmatch(r"story-[0-9a-f]{8}", arabic) and arabic == slugify("قمة الرياض")


def test_grouping_is_deterministic(seeds):
    first = json.dumps([s.to_json() for s in group_stories(seeds)], ensure_ascii=False)
    shuffled = list(seeds)
    random.Random(7).shuffle(shuffled)
    again = json.dumps([s.to_json() for s in group_stories(shuffled)], ensure_ascii=False)
    assert first == again


def test_name_variants_fold_to_one_feature():
    spellings = ["بيزشكيان", "بزشكيان", "پيزشكيان", "بيزشكیان", "بيزيشكيان", "وبزشكيان"]
    analyzer = Analyzer([raw_tokens(" ".join(spellings))])
    features = {tuple(analyzer.features(raw_tokens(s))) for s in spellings}
    assert len(features) == 1
    # Folding needs a real consonant skeleton: روسيا and الرئيس stay apart.
    analyzer = Analyzer([raw_tokens("روسيا الرئيس")])
    assert analyzer.features(raw_tokens("روسيا الرئيس")) == ["روسيا", "رييس"]


def test_name_variants_group_together():
    one = _article(
        "a.txt",
        "الرئيس الإيراني مسعود بيزشكيان يصل إلى نيروبي في زيارة رسمية",
        "وصل الرئيس الإيراني مسعود بيزشكيان إلى نيروبي في أول زيارة له إلى كينيا لبحث "
        "التعاون الزراعي وتصدير الشاي.",
    )
    two = _article(
        "b.txt",
        "بزشكيان في نيروبي: نريد شراكة زراعية مع كينيا",
        "قال الرئيس الإيراني مسعود بزشكيان لدى وصوله إلى نيروبي إن بلاده تريد شراكة "
        "زراعية مع كينيا تشمل الشاي والبن.",
    )
    other = _article(
        "c.txt",
        "أمطار غزيرة تغرق شوارع الإسكندرية",
        "غمرت أمطار غزيرة شوارع الإسكندرية وأعلنت المحافظة تعطيل المدارس ليوم واحد.",
    )
    stories = group_stories([one, two, other])
    assert sorted(sorted(_members(s)) for s in stories) == [["a.txt", "b.txt"], ["c.txt"]]


def test_undated_article_joins_unless_its_text_dates_another_day(seeds):
    treaty = next(a for a in seeds if a.source == "000_9062e53052813c90.txt")
    undated = dataclasses.replace(NEW_MOSCOW, date=None)
    stories = group_stories([treaty, undated])
    assert [_members(s) for s in stories] == [{treaty.source, undated.source}]
    # Same text, but its dateline puts the event in October 2024: another story.
    first = undated.body[0]
    elsewhere = dataclasses.replace(
        undated,
        body=(Block("paragraph", "موسكو - 11 أكتوبر 2024 - " + first.text), *undated.body[1:]),
    )
    stories = group_stories([treaty, elsewhere])
    assert sorted(map(len, (s.articles for s in stories))) == [1, 1]
    assert {s.date for s in stories} == {dt.date(2025, 1, 17), None}


def test_story_date_is_the_earliest_article_date_or_none():
    early = _article("x1.txt", "زلزال يضرب الحوز", "ضرب زلزال قوي إقليم الحوز قرب مراكش.")
    stories = group_stories(
        [
            dataclasses.replace(early, date=dt.date(2023, 9, 9)),
            dataclasses.replace(early, source="x2.txt", date=dt.date(2023, 9, 10)),
            _article("y.txt", "مهرجان للكتاب في تونس", "افتتح في تونس معرض للكتاب بمشاركة واسعة."),
        ]
    )
    assert [(s.date, len(s.articles)) for s in stories] == [(dt.date(2023, 9, 9), 2), (None, 1)]
    assert stories[-1].id.startswith("undated-")


def test_bcubed_on_a_hand_example():
    bcubed = _eval_module().bcubed
    gold = {"a": "1", "b": "1", "c": "2"}
    predicted = {"a": "x", "b": "y", "c": "y"}
    # a: P 1/1, R 1/2; b: P 1/2, R 1/2; c: P 1/2, R 1/1
    assert bcubed(gold, predicted) == pytest.approx((2 / 3, 2 / 3, 2 / 3))
    assert bcubed(gold, {"a": "x", "b": "x", "c": "z"}) == (1.0, 1.0, 1.0)
    assert bcubed(gold, dict.fromkeys(gold, "all")) == pytest.approx((5 / 9, 1.0, 10 / 14))


# Known misses: the stories a fixture set still groups wrongly, by their gold labels (none
# now). The trial's two calls of Trump's a day apart (with Putin, then with Zelensky, whose
# reports recall the call with Putin) were one story until the parties of the encounter a
# lede opens with told them apart (test_one_actors_calls_with_two_counterparts_are_two_events).
# (The second trial's Egyptian and Saudi inflation figures, out the same day, are two:
# each lede names its country as the place, which the other never mentions.)
KNOWN_MISSES: dict[str, list[list[str]]] = {}


TRIAL = GROUPING / "trial"
PUTIN_CALL = {"i01_sky_trump_putin_call.txt", "i02_asharq_trump_putin_call.txt"}
ZELENSKY_CALL = {"i03_bbc_trump_zelensky_call.txt", "i04_rt_trump_zelensky_call.txt"}


def test_an_encounters_parties_are_the_people_its_lede_opens_with():
    """The first clause's people, when the first sentence names a call or a meeting: the
    call with Putin that the Zelensky call's lede recalls after a comma is background."""
    from digest.normalize import normalize_arabic
    from digest.story_features import feature_blocks
    from digest.story_lexicon import encounter_parties

    articles = {a.source: a for a in load_articles(TRIAL)[0]}

    def parties(source: str) -> tuple[set[tuple[str, ...]], tuple[str, ...]]:
        names, kinds = encounter_parties(normalize_arabic(feature_blocks(articles[source])[0][0]))
        return set(names), kinds

    trump, putin = ("دونالد", "ترامب"), ("فلاديمير", "بوتين")
    zelensky = ("فولوديمير", "زيلينسكي")
    # "أجرى ... ترامب اتصالا هاتفيا مع ... زيلينسكي، الأربعاء، ... غداة مكالمته مع ... بوتين"
    assert parties("i03_bbc_trump_zelensky_call.txt") == ({trump, zelensky}, ("call",))
    assert parties("i01_sky_trump_putin_call.txt") == ({trump, putin}, ("call",))
    # the call named after the first comma ("..., في اتصال هاتفي مطوّل الثلاثاء")
    assert parties("i02_asharq_trump_putin_call.txt") == ({("دونالد", "ترمب"), putin}, ("call",))
    assert parties("a05_independent_alaska_analysis.txt") == (
        {("دونالد", "ترمب"), putin},
        ("summit",),
    )
    # a lede whose first clause names one person, or no encounter: no parties
    assert parties("b03_anadolu_whitehouse.txt") == (set(), ())
    assert parties("g01_youm7_cbe.txt") == (set(), ())


def test_one_actors_calls_with_two_counterparts_are_two_events():
    """Trump's call with Putin and his call with Zelensky the next day share Trump, the
    war's words and the kind of event, and the Zelensky call's reports recall the Putin
    call; but no report of the Putin call mentions Zelensky: two events, two stories.
    No two reports of one event in the labelled fixtures look like that."""
    from digest.group import grouping_view
    from digest.story_features import ArticleVectors

    trial, errors = load_articles(TRIAL)
    assert not errors
    stories = {frozenset(_members(s)) for s in group_stories(trial, {})}
    assert {frozenset(PUTIN_CALL), frozenset(ZELENSKY_CALL)} <= stories
    calls = [a for a in trial if a.source in PUTIN_CALL | ZELENSKY_CALL]
    assert {frozenset(_members(s)) for s in group_stories(calls, {})} == {
        frozenset(PUTIN_CALL),
        frozenset(ZELENSKY_CALL),
    }
    evaluate = _eval_module()
    for name, content, gold in evaluate.fixture_sets():
        articles = sorted((grouping_view(a) for a in load_articles(content)[0]), key=_source)
        vectors = ArticleVectors(articles)
        n = len(articles)
        left, right = np.triu_indices(n, 1)
        conflicts = vectors.counterpart_conflicts(left, right)
        found = {
            (articles[i].source, articles[j].source)
            for i, j, c in zip(left.tolist(), right.tolist(), conflicts.tolist(), strict=True)
            if c
        }
        same_event = {(a, b) for a, b in found if gold[a] == gold[b]}
        assert (name, same_event) == (name, set())
        if name == "trial":
            # i04's Zelensky is "فلاديمير زيلينسكي" (RT's slip): his surname tells him apart
            assert found == {(p, z) for p in sorted(PUTIN_CALL) for z in sorted(ZELENSKY_CALL)}


def _source(article: Article) -> str:
    return article.source


def test_the_counterpart_rule_knows_no_names():
    """The same rule for other leaders and other phrasing: Sisi's call with Erdogan on
    Sunday and his call with the Saudi crown prince on Monday, whose reports recall the
    call with Erdogan, are two stories."""
    sunday, monday = dt.date(2024, 2, 11), dt.date(2024, 2, 12)
    articles = [
        _article(
            "a1.txt",
            "السيسي وأردوغان يبحثان هاتفيا تطورات غزة",
            "بحث الرئيس المصري عبد الفتاح السيسي ونظيره التركي رجب طيب أردوغان في اتصال "
            "هاتفي، الأحد، تطورات الأوضاع في قطاع غزة وجهود التوصل إلى وقف لإطلاق النار.",
            "وقال المتحدث باسم الرئاسة المصرية إن الرئيسين أكدا ضرورة نفاذ المساعدات "
            "الإنسانية إلى القطاع.",
            date=sunday,
        ),
        _article(
            "a2.txt",
            "أردوغان يتصل بالسيسي ويؤكد مواصلة العمل لإدخال المساعدات إلى غزة",
            "أجرى الرئيس التركي رجب طيب أردوغان اتصالا هاتفيا مع نظيره المصري عبد الفتاح "
            "السيسي، الأحد، تناول تطورات قطاع غزة.",
            "وذكرت الرئاسة التركية أن أردوغان أكد أن بلاده ستواصل العمل مع مصر لإيصال "
            "المساعدات الإنسانية إلى غزة ووقف إطلاق النار.",
            date=sunday,
        ),
        _article(
            "b1.txt",
            "السيسي يتلقى اتصالا من ولي العهد السعودي غداة مكالمته مع أردوغان",
            "تلقى الرئيس المصري عبد الفتاح السيسي اتصالا هاتفيا من ولي العهد السعودي الأمير "
            "محمد بن سلمان، الاثنين، بحثا خلاله تطورات قطاع غزة، وذلك غداة اتصاله مع الرئيس "
            "التركي رجب طيب أردوغان.",
            "وأكد الجانبان ضرورة وقف إطلاق النار في غزة ونفاذ المساعدات الإنسانية إلى القطاع.",
            date=monday,
        ),
        _article(
            "b2.txt",
            "محمد بن سلمان والسيسي يبحثان هاتفيا الأوضاع في غزة",
            "بحث ولي العهد السعودي الأمير محمد بن سلمان والرئيس المصري عبد الفتاح السيسي في "
            "اتصال هاتفي، الاثنين، مستجدات الأوضاع في قطاع غزة.",
            "وشدد الجانبان على ضرورة وقف إطلاق النار ونفاذ المساعدات الإنسانية إلى غزة، بعد "
            "اتصال السيسي بالرئيس التركي رجب طيب أردوغان أمس.",
            date=monday,
        ),
    ]
    stories = {frozenset(_members(s)) for s in group_stories(articles, {})}
    assert stories == {frozenset({"a1.txt", "a2.txt"}), frozenset({"b1.txt", "b2.txt"})}


def test_a_country_is_an_events_place_after_a_locative_and_mentioned_by_its_adjective():
    from digest.normalize import normalize_arabic
    from digest.story_lexicon import COUNTRY_FORMS, event_places

    def places(text: str) -> list[str]:
        return event_places(normalize_arabic(text))

    assert places("تراجع معدل التضخم السنوي في مصر خلال مايو") == ["مصر"]
    assert places("استقر التضخم في السعودية وبتركيا") == ["سعوديه"]  # (وب: not a place)
    assert places("أعلن الرئيس التركي من أنقرة بمصر") == ["مصر"]
    assert places("روسيا وإيران توقعان معاهدة") == []  # actors, not places
    assert places("وصل إلى الكويت") == ["الكويت"]  # a city (and a country) as written
    assert "مصريه" in COUNTRY_FORMS["مصر"]  # "الانتخابات المصرية" mentions Egypt


def test_labelled_fixtures_are_grouped_exactly():
    """Every labelled set, exactly, but for its known misses (no other story may go wrong):
    the trial set holds same-actor events days apart (two strikes on Beirut's suburbs four
    days apart, the Alaska summit and the White House meeting three days later)."""
    module = _eval_module()
    sets = module.fixture_sets()
    assert {name for name, _, _ in sets} >= {"seeds", "lookalikes", "trial"}
    for name, content, gold in sets:
        *_, wrong = module.evaluate(content, gold)
        labels = [ast.literal_eval(line.split(" (gold ")[1].rstrip(")")) for line in wrong]
        assert (name, labels) == (name, KNOWN_MISSES.get(name, []))


def test_cli_stories_json_on_the_seeds(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.chdir(site)  # no registry here; nothing is written
    result = CliRunner().invoke(main, ["stories", "--content", str(CONTENT), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [set(s["articles"]) for s in data] == [MOSCOW, ASHGABAT]
    assert data[0]["related"] == [data[1]["id"]] and data[1]["related"] == [data[0]["id"]]
    for story in data:
        assert {"id", "slug", "headline", "date", "articles", "related"} <= set(story)
    assert [s["date"] for s in data] == ["2025-01-17", "2024-10-11"]
    assert list(site.iterdir()) == []
    plain = CliRunner().invoke(main, ["stories", "--content", str(CONTENT)]).output
    assert f"    related: {data[1]['id']}" in plain.split(data[1]["id"] + "\t")[0]
    assert all(f"    {name}" in plain for name in MOSCOW | ASHGABAT)


def test_build_keeps_story_urls_and_guids_when_articles_are_added(tmp_path):
    from digest.build import Project, build_site
    from digest.story_registry import load_registry

    root = tmp_path / "root"
    shutil.copytree(CONTENT, root / "content")
    build_site(Project.at(root))
    feed = feedparser.parse((root / "site/ar/feed.xml").read_bytes())
    before = {e.id: e.link for e in feed.entries}
    pages = sorted(p.parent.name for p in (root / "site/ar/stories").glob("*/index.html"))
    assert len(before) == len(pages) == 2
    assert (root / "digest-stories.json").is_file()

    (root / "content/005_moscow_signing.md").write_text(
        "---\ndate: 2025-01-17\n---\n"
        + "\n\n".join([NEW_MOSCOW.title, *(b.text for b in NEW_MOSCOW.body)]),
        encoding="utf-8",
    )
    (root / "content/006_morocco_quake.md").write_text(
        "---\ndate: 2023-09-09\n---\n"
        + "\n\n".join([UNRELATED.title, *(b.text for b in UNRELATED.body)]),
        encoding="utf-8",
    )
    build_site(Project.at(root))
    feed = feedparser.parse((root / "site/ar/feed.xml").read_bytes())
    after = {e.id: e.link for e in feed.entries}
    assert len(after) == 3
    for guid, link in before.items():
        assert after[guid] == link  # same guid, same URL
    for slug in pages:
        assert (root / "site/ar/stories" / slug / "index.html").is_file()
    registry = load_registry(root / "digest-stories.json").articles
    moscow = registry["000_9062e53052813c90.txt"]
    assert registry["005_moscow_signing.md"] == moscow and moscow in pages
    assert registry["006_morocco_quake.md"] not in pages


def test_odd_articles_still_get_a_story_each():
    numbers = _article("n.txt", "...", "123 456")
    short = _article("s.txt", "عنوان", "نص قصير")
    english = _article("e.txt", "Hello", "A short English note.")
    stories = group_stories([numbers, short, english])
    assert sorted(sorted(_members(s)) for s in stories) == [["e.txt"], ["n.txt"], ["s.txt"]]
    assert {s.summary for s in stories} == {("123 456",), ("نص قصير",), ("A short English note.",)}
    assert group_stories([]) == []


def test_grouping_does_not_depend_on_what_earlier_runs_cached(seeds):
    """Token caches and interned ids persist across runs in one process (``digest serve``);
    the stories must be those a fresh process gives."""
    group_stories([NEW_MOSCOW, UNRELATED, *seeds])  # fill the caches in another order
    here = json.dumps([s.to_json() for s in group_stories(seeds)], ensure_ascii=False)
    script = (
        "import json; from pathlib import Path; from digest.build import load_articles; "
        "from digest.group import group_stories; "
        f"articles, _ = load_articles(Path({str(CONTENT)!r})); "
        "print(json.dumps([s.to_json() for s in group_stories(articles)], ensure_ascii=False))"
    )
    fresh = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert fresh.stdout.strip() == here


def test_tfidf_matches_scikit_learn():
    """Our TF-IDF (no scikit-learn import at build time) gives scikit-learn's numbers,
    on word counts of the seeds with an empty document and an unused term added."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfTransformer

    from digest.story_features import raw_tokens, smooth_idf, tfidf

    texts = [path.read_text(encoding="utf-8") for path in sorted(CONTENT.glob("*.txt"))]
    vocabulary = {t: i for i, t in enumerate(sorted({t for x in texts for t in raw_tokens(x)}))}
    rows, cols = [], []
    for row, text in enumerate([*texts, ""]):
        for token in raw_tokens(text):
            rows.append(row)
            cols.append(vocabulary[token])
    shape = (len(texts) + 1, len(vocabulary) + 1)
    counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    counts.sum_duplicates()
    expected = TfidfTransformer(sublinear_tf=True, smooth_idf=True).fit_transform(counts)
    ours = tfidf(counts, smooth_idf(counts))
    assert counts.max() > 1 and ours.shape == expected.shape
    assert np.allclose(ours.toarray(), expected.toarray(), rtol=0, atol=1e-12)
    assert not ours[len(texts)].toarray().any()  # the empty document stays all zeros


def test_prefetched_tokens_are_the_ones_grouping_computes(seeds):
    """What cleaning workers hand over (token_prefetch: tokens, summary sentences and their
    figures) is what the grouper would compute, and grouping with it primed gives the same
    stories."""
    from digest.group import prime_tokens, token_prefetch
    from digest.summarize import _facts, _figures, _lead_sentences, summary_lead

    prefetched = [token_prefetch(article) for article in seeds]
    for (tokens, _, sentences, figures), article in zip(prefetched, seeds, strict=True):
        assert tokens and all(tuple(j.split()) == tuple(raw_tokens(t)) for t, j in tokens.items())
        assert sentences == {summary_lead(article): _lead_sentences(summary_lead(article))}
        assert any(sentences.values())  # every seed has summary sentences in its lead
        found = {s for _, s in sentences[summary_lead(article)]}
        assert figures.keys() == found
        assert all(figures[s] == (_figures(s), _facts(s)) for s in found)
    expected = group_stories(seeds)
    prime_tokens(prefetched)
    assert group_stories(seeds) == expected


def test_cached_sentence_figures_give_the_same_stories_after_an_edit(tmp_path):
    """A regroup after an edit to a lead (digest serve) finds the candidates' figures in
    the cache (sentence_figures): the stories are those of a grouping without it."""
    from digest.summarize import sentence_figures

    content = tmp_path / "content"
    shutil.copytree(GROUPING / "trial", content)
    articles, _ = load_articles(content)
    group_stories(articles)  # fills the cache
    edited = content / "a01_aljazeera_alaska.txt"
    text = edited.read_text(encoding="utf-8")
    lead = "انتهت القمة التي جمعت"
    assert lead in text
    edited.write_text(text.replace(lead, "انتهت بعد 340 دقيقة القمة التي جمعت"), "utf-8")
    articles, _ = load_articles(content)
    cached = group_stories(articles)
    assert sentence_figures.values
    sentence_figures.values.clear()
    assert group_stories(articles) == cached


def test_an_edit_past_what_grouping_reads_keeps_the_grouping(seeds):
    """Grouping reads an article's title, dates and first blocks only (grouping_view): an
    edit further down gives the same stories with the edited article in, which the memo
    hands back without grouping again; an edit to the lead groups again."""
    from digest.group import grouping_view
    from digest.incremental import GroupingMemo

    long = next(a for a in seeds if len(grouping_view(a).body) < len(a.body))
    assert long.date is not None
    undated = next(a for a in seeds if a.date is None)
    assert grouping_view(undated).body == undated.body  # its dates come from its whole text

    def edited(article: Article, index: int) -> list[Article]:
        block = article.body[index]
        body = list(article.body)
        body[index] = dataclasses.replace(block, text=block.text + " وأضاف المراسل تفاصيل أخرى.")
        return [dataclasses.replace(a, body=tuple(body)) if a is article else a for a in seeds]

    late = edited(long, len(long.body) - 1)
    stories = group_stories(late)
    assert stories == [
        dataclasses.replace(
            s, articles=tuple(next(x for x in late if x.source == a.source) for a in s.articles)
        )
        for s in group_stories(seeds)
    ]
    memo = GroupingMemo()
    calls = []

    def grouper(articles, known):
        calls.append(len(articles))
        return group_stories(articles, known)

    assert memo.group(seeds, {}, grouper)[1] == "grouped"
    again, how = memo.group(late, {}, grouper)
    assert (how, again, len(calls)) == ("reused", stories, 1)
    lead = edited(long, next(i for i, b in enumerate(long.body) if b.kind == "paragraph"))
    assert memo.group(lead, {}, grouper) == (group_stories(lead), "grouped")
    # nor does grouping read an article's outlet, URL or English sidecar
    other = [
        dataclasses.replace(a, outlet="وكالة أخرى", url="https://example.org/x", english="Hi.")
        if a.source == long.source
        else a
        for a in lead
    ]
    again, how = memo.group(other, {}, grouper)
    assert (how, again, len(calls)) == ("reused", group_stories(other), 2)


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=0, max_value=4),
    st.floats(min_value=0, max_value=1),
    st.sampled_from(["append", "drop", "heading"]),
)
def test_whatever_an_edit_does_the_memo_gives_what_grouping_gives(
    seeds, which: int, where: float, how: str
) -> None:
    """Edit any block of any seed (add a sentence, drop the block, turn it into a heading):
    what the grouping memo answers is what grouping the edited articles gives."""
    from digest.incremental import GroupingMemo

    article = sorted(seeds, key=lambda a: a.source)[which]
    index = min(int(where * len(article.body)), len(article.body) - 1)
    body = list(article.body)
    block = body[index]
    if how == "append":
        body[index] = dataclasses.replace(block, text=block.text + " وأضاف المراسل تفاصيل أخرى.")
    elif how == "drop":
        del body[index]
    else:
        body[index] = dataclasses.replace(block, kind="heading")
    edited = [dataclasses.replace(a, body=tuple(body)) if a is article else a for a in seeds]
    memo = GroupingMemo()
    memo.group(seeds, {}, group_stories)
    assert memo.group(edited, {}, group_stories)[0] == group_stories(edited)


def test_a_renamed_or_moved_article_keeps_its_story_url(tmp_path, monkeypatch):
    """A story of one article keeps its ID (URL, feed GUID) when its file is renamed or
    moved to a subfolder: the registry knows the article by its title and first paragraph,
    in a fresh clone too (no build cache). An old registry without identities still loads."""
    from click.testing import CliRunner

    from digest.build import Project, build_site
    from digest.cli import main
    from digest.story_registry import load_registry

    root = tmp_path / "root"
    shutil.copytree(CONTENT, root / "content")
    (root / "content/006_morocco_quake.md").write_text(
        "---\ndate: 2023-09-09\n---\n"
        + "\n\n".join([UNRELATED.title, *(b.text for b in UNRELATED.body)]),
        encoding="utf-8",
    )
    build_site(Project.at(root))
    registry = root / "digest-stories.json"
    before = load_registry(registry).articles
    quake = before["006_morocco_quake.md"]
    assert sum(1 for story in before.values() if story == quake) == 1  # a story of its own

    (root / "content/2023").mkdir()
    (root / "content/006_morocco_quake.md").rename(root / "content/2023/morocco-quake.md")
    shutil.rmtree(root / ".digest-cache")  # as in a fresh clone: only the registry is kept
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["stories", "--json"])
    [listed] = [s for s in json.loads(result.output) if "2023/morocco-quake.md" in s["articles"]]
    assert listed["id"] == quake
    build_site(Project.at(root))
    assert load_registry(registry).articles["2023/morocco-quake.md"] == quake
    assert (root / "site/ar/stories" / quake / "index.html").is_file()

    # Two copies of one article under new names: one report (the first file), still the
    # story it was.
    shutil.copy(root / "content/2023/morocco-quake.md", root / "content/2023/copy.md")
    (root / "content/2023/morocco-quake.md").rename(root / "content/2023/renamed.md")
    build_site(Project.at(root))
    assert load_registry(registry).articles["2023/copy.md"] == quake
    assert "2023/renamed.md" not in load_registry(registry).articles

    # Two different articles with one identity (title and first paragraph) under new
    # names: neither can say it is the old file.
    renamed = root / "content/2023/renamed.md"
    renamed.write_text(renamed.read_text(encoding="utf-8") + "\nفقرة أخيرة.\n", "utf-8")
    (root / "content/2023/copy.md").rename(root / "content/2023/other.md")
    build_site(Project.at(root))
    moved = load_registry(registry).articles
    assert moved["2023/renamed.md"] != quake and moved["2023/other.md"] != quake

    # A registry written before identities were kept.
    data = json.loads(registry.read_text(encoding="utf-8"))
    registry.write_text(json.dumps({"articles": data["articles"]}), encoding="utf-8")
    assert load_registry(registry).identities == {}
    assert build_site(Project.at(root)).stories >= 3


def test_an_article_broken_for_one_build_keeps_its_story_url(tmp_path):
    """A file that cannot be read for a build (a front matter quote left open) is left
    out of that build, but its registry entry is kept: fixed, it is the story it was."""
    from digest.build import Project, build_site
    from digest.story_registry import load_registry

    root = tmp_path / "root"
    shutil.copytree(CONTENT, root / "content")
    path = root / "content/006_morocco_quake.md"
    good = "---\ndate: 2023-09-09\n---\n" + "\n\n".join(
        [UNRELATED.title, *(b.text for b in UNRELATED.body)]
    )
    path.write_text(good, encoding="utf-8")
    build_site(Project.at(root))
    registry = root / "digest-stories.json"
    quake = load_registry(registry).articles["006_morocco_quake.md"]

    path.write_text(good.replace("date: 2023-09-09", 'title: "زلزال'), encoding="utf-8")
    report = build_site(Project.at(root))
    assert [e.path for e in report.errors] == ["006_morocco_quake.md"]
    assert not (root / "site/ar/stories" / quake).exists()  # not shown while broken
    assert load_registry(registry).articles["006_morocco_quake.md"] == quake

    path.write_text(good, encoding="utf-8")
    assert not build_site(Project.at(root)).errors
    assert load_registry(registry).articles["006_morocco_quake.md"] == quake
    assert (root / "site/ar/stories" / quake / "index.html").is_file()


def test_building_another_content_folder_leaves_the_projects_registry_alone(tmp_path, monkeypatch):
    """``digest build --content other/ --output out/`` in a project keeps its registry
    beside ``other/``: the project's story ids are still there for its next build."""
    from click.testing import CliRunner

    from digest.cli import main

    root = tmp_path / "root"
    shutil.copytree(CONTENT, root / "content")
    monkeypatch.chdir(root)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    registry = root / "digest-stories.json"
    before = registry.read_bytes()

    other = tmp_path / "elsewhere" / "other"
    other.mkdir(parents=True)
    shutil.copy(sorted((root / "content").glob("*.txt"))[0], other)
    result = CliRunner().invoke(main, ["build", "--content", str(other), "--output", "out"])
    assert result.exit_code == 0, result.output
    assert registry.read_bytes() == before
    assert (tmp_path / "elsewhere" / "digest-stories.json").is_file()


def test_a_quake_and_a_flood_on_one_day_are_two_stories(tmp_path):
    """Short reports of two disasters the same day share little but the kind of event and
    a word (الطوارئ): an earthquake in Turkey and floods in Aswan are not one story."""
    from digest.build import load_articles

    shutil.copytree(CONTENT, tmp_path / "content")
    (tmp_path / "content/quake.md").write_text(
        "---\ntitle: زلزال بقوة 5.3 درجة يضرب جنوب تركيا\ndate: 2025-03-12\nsource: مصراوي\n"
        "---\nضرب زلزال بقوة 5.3 درجة على مقياس ريختر ولاية ملاطية جنوب شرق تركيا صباح "
        "الثلاثاء، دون أنباء فورية عن إصابات، بحسب هيئة إدارة الكوارث والطوارئ التركية (آفاد).\n",
        encoding="utf-8",
    )
    (tmp_path / "content/flood.md").write_text(
        "---\ntitle: سيول جارفة تجتاح محافظة أسوان\ndate: 2025-03-12\nsource: الشروق\n---\n"
        "اجتاحت سيول جارفة قرى محافظة أسوان بعد أمطار غزيرة غير مسبوقة، وأعلنت المحافظة "
        "رفع حالة الطوارئ.\n",
        encoding="utf-8",
    )
    articles, errors = load_articles(tmp_path / "content")
    assert not errors
    stories = {frozenset(a.source for a in s.articles) for s in group_stories(articles, {})}
    assert stories == {
        frozenset({"quake.md"}),
        frozenset({"flood.md"}),
        *map(frozenset, (MOSCOW, ASHGABAT)),
    }


def test_the_headline_is_the_first_report_among_the_most_central(tmp_path):
    """Two reports are exactly as central as each other: the earlier one headlines the
    story whatever the files are called, and a small edit of either does not flip it."""
    from digest.build import load_articles

    content = tmp_path / "content"
    content.mkdir()
    first, later = (CONTENT / "001_aa6171b58bcd83fd.txt"), (CONTENT / "003_12a0ae8c2fa6360b.txt")

    def write(name: str, source: Path, title: str, date: str, extra: str = "") -> None:
        body = source.read_text(encoding="utf-8").split("\n", 1)[1]  # without its headline
        text = f"---\ntitle: {title}\ndate: {date}\n---\n{body}{extra}"
        (content / name).write_text(text, encoding="utf-8")

    write("z-first.md", first, "العنوان الأول", "2025-01-16")
    write("a-later.md", later, "العنوان الثاني", "2025-01-17")
    for extra in ("", "\nوأضاف المتحدث أن الاتفاق سيدخل حيز التنفيذ قريبا.\n"):
        write("a-later.md", later, "العنوان الثاني", "2025-01-17", extra)
        articles, _ = load_articles(content)
        [story] = group_stories(articles, {})
        assert story.headline == "العنوان الأول"


def test_copies_of_one_report_do_not_take_the_headline_and_summary(tmp_path):
    """Two more outlets run 000's text (one with a paragraph changed): the Moscow story
    keeps the headline and summary it had; the copies count once in its centroid."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    articles, _ = load_articles(content)
    copies = {"copy.txt", "edit.txt"}

    def shown(stories: list[Story]) -> dict[frozenset[str], tuple[str, tuple[str, ...]]]:
        return {frozenset(_members(s) - copies): (s.headline, s.summary) for s in stories}

    before = shown(group_stories(articles, {}))
    text = (CONTENT / "000_9062e53052813c90.txt").read_text(encoding="utf-8")
    (content / "copy.txt").write_text(text, encoding="utf-8")
    (content / "copy.yaml").write_text("source: وكالة الأنباء القطرية\n", encoding="utf-8")
    edited = text.replace("مخططًا له منذ فترة طويلة", "مخططًا له منذ عام")
    assert edited != text
    (content / "edit.txt").write_text(edited, encoding="utf-8")
    (content / "edit.yaml").write_text("source: وكالة أنباء الإمارات\n", encoding="utf-8")
    articles, _ = load_articles(content)
    stories = group_stories(articles, {})
    [moscow] = [s for s in stories if copies <= _members(s)]
    assert shown(stories) == before
    assert moscow.headline.startswith("خطوة جديدة في تحالفهما")  # 004's, as before


def test_copies_found_in_all_stories_at_once_are_those_found_story_by_story(tmp_path, monkeypatch):
    """distinct_groups (every story's pairs in one go) keeps the members distinct_members
    keeps, copies in the stories or not; cosines near the threshold (here: all of them) it
    leaves to distinct_members."""
    import digest.group as group
    from digest.story_features import ArticleVectors

    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    text = (CONTENT / "000_9062e53052813c90.txt").read_text(encoding="utf-8")
    (content / "copy.txt").write_text(text, encoding="utf-8")
    (content / "copy.yaml").write_text("source: وكالة الأنباء القطرية\n", encoding="utf-8")
    edited = text.replace("مخططًا له منذ فترة طويلة", "مخططًا له منذ عام")
    (content / "edit.txt").write_text(edited, encoding="utf-8")
    articles, _ = load_articles(content)
    matrix = ArticleVectors(sorted(articles, key=lambda a: a.source)).matrix
    n = matrix.shape[0]
    groups = [list(range(n)), [0], [n - 1, 0, 2], list(range(0, n, 2)), [1, 3]]
    expected = [group.distinct_members(matrix, g) for g in groups]
    assert len(expected[0]) < n  # the copies are left out
    assert group.distinct_groups(matrix, groups) == expected
    monkeypatch.setattr(group, "COPY_MARGIN", 1.0)
    assert group.distinct_groups(matrix, groups) == expected


def test_headline_margin_keeps_the_first_report_unless_another_is_clearly_more_central(seeds):
    from dataclasses import replace

    from digest.summarize import HEADLINE_MARGIN, choose_headline

    first, second, third = (replace(a, title_derived=False) for a in seeds[:3])
    first = replace(first, date=dt.date(2025, 1, 15), title="first report")
    second = replace(second, date=dt.date(2025, 1, 16), title="second report")
    third = replace(third, date=dt.date(2025, 1, 17), title="third report")
    articles = [third, second, first]
    # within the margin of the most central: the first report
    assert choose_headline(articles, [0.80, 0.79, 0.80 - HEADLINE_MARGIN / 2]) == "first report"
    # clearly less central than the best: the most central among the near ones
    assert choose_headline(articles, [0.80, 0.79, 0.80 - 2 * HEADLINE_MARGIN]) == "second report"
    # a derived title only when no article has a written one
    derived = replace(first, title_derived=True)
    assert choose_headline([derived, third], [0.9, 0.5]) == "third report"


def _leads(story):
    """Each report's lead: its first usable sentence, from its first paragraph."""
    from digest.summarize import lead_sentences, summary_lead

    return {
        a.source: next(s for p, s in lead_sentences(summary_lead(a)) if p == 0)
        for a in story.articles
        if any(p == 0 for p, _ in lead_sentences(summary_lead(a)))
    }


def test_a_summary_quotes_one_lead_of_a_days_reports():
    """Erdogan's visit to Cairo: each report opens by telling it ("Sisi received
    Erdogan", "Erdogan met Sisi in Cairo"); the summary quotes one of those leads, then what
    else the reports say. So for Netanyahu's first testimony, an undated report's lead too."""
    from digest.build import load_articles

    articles, _ = load_articles(ROOT / "tests" / "fixtures" / "grouping" / "trial")
    stories = group_stories(articles, {})
    for member, size in (("h03_ahram_erdogan_visit.txt", 3), ("f01_aljazeera_netanyahu.txt", 4)):
        story = next(s for s in stories if member in {a.source for a in s.articles})
        first_day = min(a.date for a in story.articles if a.date)
        same_day = [
            lead
            for source, lead in _leads(story).items()
            if next(a.date for a in story.articles if a.source == source) in (first_day, None)
        ]
        assert len(same_day) >= 2
        assert sum(lead in story.summary for lead in same_day) == 1, story.summary
        assert len(story.summary) == size


def test_a_summary_does_not_give_a_count_twice_in_words_and_in_digits():
    """Netanyahu "waited eight years" (ثماني سنوات) and "waited 8 years" (8 سنوات): one
    quote in the summary; the place goes to what else the reports say."""
    from digest.build import load_articles

    articles, _ = load_articles(ROOT / "tests" / "fixtures" / "grouping" / "trial")
    story = next(
        s for s in group_stories(articles, {}) if "f01_aljazeera_netanyahu.txt" in _members(s)
    )
    assert sum(("ثماني سنوات" in s or "8 سنوات" in s) for s in story.summary) == 1
    assert len(story.summary) == 4


def test_a_later_days_lead_may_be_quoted(tmp_path):
    """Macron's state visit: he arrived in Rabat; the next day's report opens with his
    speech to parliament, what came next: the summary quotes both leads (when the reports
    are undated, as in their fixture, nothing tells the days apart: both are quoted too)."""
    from digest.build import load_articles

    undated = ROOT / "tests" / "fixtures" / "grouping" / "undated"
    names = ("r1_macron_morocco_visit", "r2_macron_morocco_parliament")
    for name, day in zip(names, ("2024-10-28", "2024-10-29"), strict=True):
        shutil.copy(undated / f"{name}.txt", tmp_path)
        (tmp_path / f"{name}.yaml").write_text(f"date: {day}\n", encoding="utf-8")
    for folder in (undated, tmp_path):
        articles, _ = load_articles(folder)
        story = next(s for s in group_stories(articles, {}) if f"{names[0]}.txt" in _members(s))
        assert _members(story) == {f"{name}.txt" for name in names}
        leads = _leads(story)
        assert len(leads) == 2 and all(lead in story.summary for lead in leads.values())


def test_a_summary_does_not_give_the_same_figure_twice(tmp_path):
    """Two outlets say "340 families were evacuated" in other words: the summary keeps one."""
    from digest.build import load_articles

    reports = {
        "flood-arabiya.md": (
            "إجلاء مئات العائلات في صفاقس إثر فيضانات مفاجئة",
            "العربية",
            "أجلت السلطات التونسية مئات العائلات في صفاقس، الإثنين، بعد فيضانات مفاجئة تسببت "
            "فيها أمطار غزيرة تجاوزت 120 ملم.\n\nوأوضح والي صفاقس محمد الحجري أن 340 عائلة "
            "نُقلت إلى مراكز إيواء مؤقتة، وأن الدروس عُلّقت في عشرات المدارس.",
        ),
        "flood-jazeera.md": (
            "فيضانات تغمر أحياء في صفاقس بعد أمطار غزيرة",
            "الجزيرة نت",
            "غمرت مياه الأمطار الغزيرة أحياء واسعة في مدينة صفاقس التونسية، الإثنين، بعد أن "
            "هطل أكثر من 120 ملم خلال ست ساعات فقط.\n\nوقال والي صفاقس محمد الحجري إن فرق "
            "الحماية المدنية أجلت 340 عائلة من المناطق المنخفضة، مشيرا إلى أن الدراسة عُلّقت "
            "في 45 مدرسة.",
        ),
    }
    for name, (title, outlet, body) in reports.items():
        (tmp_path / name).write_text(
            f"---\ntitle: {title}\ndate: 2025-01-20\nsource: {outlet}\n---\n{body}\n", "utf-8"
        )
    articles, _ = load_articles(tmp_path)
    [story] = group_stories(articles, {})
    assert len(story.summary) >= 1
    assert sum("340" in s for s in story.summary) <= 1
    assert sum("120 ملم" in s for s in story.summary) <= 1


def _story_of(folder: Path, member: str) -> Story:
    articles, _ = load_articles(folder)
    return next(s for s in group_stories(articles, {}) if member in _members(s))


def test_a_sentence_of_the_same_kind_of_event_with_a_new_figure_is_not_a_repeat():
    """Security Council Resolution 2728: every sentence of the three reports names the vote
    (القرار، التصويت), yet not all tell one fact: "14 members voted for it" gives a figure
    the first sentence does not, and the summary carries it. The three reports' leads (it
    was adopted / the US abstained, which let it pass) are still quoted once."""
    story = _story_of(GROUPING / "lookalikes", "b1_resolution2728_aljazeera.md")
    assert len(story.summary) > 1, story.summary
    assert sum("14 عضوا" in s for s in story.summary) == 1, story.summary
    assert sum(lead in story.summary for lead in _leads(story).values()) == 1


@pytest.mark.parametrize(
    ("folder", "member", "openings"),
    [
        # Araghchi in Cairo: "Abdelatty discussed with Araghchi during their meeting" (a
        # lead) / "Araghchi held talks with his Egyptian counterpart" (Al Mayadeen's first
        # sentence after its standfirst, so not a lead): both name the meeting, no figure.
        (
            GROUPING / "trial2",
            "a01_masryalyoum_araghchi_cairo.txt",
            ("بحث وزير الخارجية والهجرة بدر عبد العاطي، مع", "أجرى وزير الخارجية الإيراني، عباس"),
        ),
        # Araghchi in Beirut: "Araghchi visited Beirut on Tuesday and met Aoun" (a lead) /
        # "Aoun received Araghchi today, Tuesday, on his first visit" (DW's second sentence).
        (
            GROUPING / "trial2",
            "b01_france24_araghchi_beirut.txt",
            ("زار وزير الخارجية الإيراني، عباس عراقجي،", "استقبل الرئيس اللبناني جوزاف عون اليوم"),
        ),
        # Putin and Pezeshkian in Ashgabat, one report: "Putin met Pezeshkian in a historic
        # meeting in Turkmenistan" / "the meeting was held in Ashgabat, Friday 11 October
        # 2024": the day of the month it adds is not a new fact.
        (CONTENT, "002_ab5b8c60f657b26b.txt", ("في خضم مشهد جيوسياسي", "عُقد اللقاء بين")),
    ],
)
def test_one_event_told_twice_in_other_words_is_quoted_once(
    folder: Path, member: str, openings: tuple[str, str]
):
    """Two sentences tell the story's event in other words: the same kind of event, and
    no figure that one gives and the other does not (a day of a month is not one): the
    summary quotes one of them."""
    story = _story_of(folder, member)
    texts = [" ".join(b.plain_text() for b in a.body) for a in story.articles]
    assert all(any(opening in text for text in texts) for opening in openings)
    assert sum(s.startswith(openings) for s in story.summary) == 1, story.summary


def test_background_comes_after_what_happened_and_what_was_said():
    """ "وكان عراقجي زار القاهرة مطلع الشهر" (Pezeshkian's Cairo visit), "وكان أردوغان قد وصل
    إلى سوتشي" (Sochi): what came before the event closes the summary, after the event and
    what was said of it."""
    grouping = ROOT / "tests" / "fixtures" / "grouping"
    summaries = [
        story.summary
        for folder in (grouping / "trial", grouping / "lookalikes")
        for story in group_stories(load_articles(folder)[0], {})
    ]
    background = [[s.startswith(("وكان ", "وكانت ")) for s in summary] for summary in summaries]
    assert sum(map(any, background)) >= 2
    for summary, flags in zip(summaries, background, strict=True):
        assert flags == sorted(flags), summary


def test_a_rate_written_with_zero_decimals_is_the_same_figure():
    """The Egyptian central bank's cut: one report gives the new overnight deposit rate as
    "25.00%", others as "25 بالمئة" / "25 في المائة": the summary gives it once."""
    articles, _ = load_articles(ROOT / "tests" / "fixtures" / "grouping" / "trial")
    story = next(s for s in group_stories(articles, {}) if "g01_youm7_cbe.txt" in _members(s))
    deposit_rate = re.compile(r"(?<![\d.])25(?:\.00)?(?:%| بالمئة| في المائة)")
    assert sum(bool(deposit_rate.search(s)) for s in story.summary) == 1, story.summary


def test_a_report_saved_twice_is_one_report(tmp_path, seeds):
    """Copies of a file (a page a scraper saved twice) are one report: the stories are
    those of the seeds alone, each copy is named in a warning, and an edited copy (not the
    same report any more) is a report of its own."""
    from digest.build import Project, build_site

    root = tmp_path / "root"
    shutil.copytree(CONTENT, root / "content")
    alone = {s.id: [a.source for a in s.articles] for s in group_stories(seeds)}
    for seed in sorted((root / "content").glob("*.txt")):
        for n in range(3):
            shutil.copy(seed, seed.with_name(f"copy{n}-{seed.name}"))
    report = build_site(Project.at(root))
    copies = [w for w in report.warnings if "is the same report as" in w]
    alone_sources = [source for sources in alone.values() for source in sources]
    assert len(copies) == 3 * len(alone_sources)
    assert report.articles == len(alone_sources) and report.stories == len(alone)
    registry = json.loads((root / "digest-stories.json").read_text(encoding="utf-8"))
    assert sorted(registry["articles"]) == sorted(alone_sources)
    assert {registry["articles"][s]: None for s in alone_sources}.keys() == alone.keys()
    first = sorted(alone_sources)[0]
    assert f"copy0-{first} is the same report as {first}: only {first} is shown" in copies

    edited = root / "content" / f"copy0-{first}"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nفقرة أضافها المحرر.\n", "utf-8")
    report = build_site(Project.at(root))
    assert report.articles == len(alone_sources) + 1
    assert not any(w.startswith(f"copy0-{first} ") for w in report.warnings)


def test_a_copy_with_its_own_english_or_pin_is_not_a_copy(seeds):
    """A copy that brings an editor's English or a story pin of its own is kept."""
    from digest.group import once_each

    first = seeds[0]
    copy = dataclasses.replace(first, source="copy.txt")
    english = dataclasses.replace(first, source="english.txt", english="The report.")
    pinned = dataclasses.replace(first, source="pinned.txt", story="cairo")
    kept, dropped = once_each([*seeds, copy, english, pinned])
    assert [a.source for a in kept] == [*(a.source for a in seeds), "english.txt", "pinned.txt"]
    assert dropped == [("copy.txt", first.source)]
    assert once_each(seeds)[0] is seeds  # nothing dropped: the very list


def test_a_copy_saved_beside_a_published_report_leaves_the_published_one_shown(tmp_path):
    """``cp d.txt d-copy.txt``: the copy's name sorts first (``-`` before ``.``), yet the
    site goes on showing the report under the name it had, with its story's ID."""
    from digest.build import Project, build_site

    root = tmp_path / "root"
    shutil.copytree(CONTENT, root / "content")
    build_site(Project.at(root))
    before = json.loads((root / "digest-stories.json").read_text(encoding="utf-8"))
    seed = sorted((root / "content").glob("*.txt"))[1]
    copy = seed.with_name(f"{seed.stem}-copy.txt")
    assert copy.name < seed.name
    shutil.copy(seed, copy)
    report = build_site(Project.at(root))
    assert f"{copy.name} is the same report as {seed.name}: only {seed.name} is shown" in (
        report.warnings
    )
    after = json.loads((root / "digest-stories.json").read_text(encoding="utf-8"))
    assert after["articles"] == before["articles"]


def test_a_registry_where_digest_kept_it_before_is_read(tmp_path, monkeypatch):
    """For ``--content data/articles`` the registry now sits in ``data/``; one kept in the
    site's folder before is read until a build writes the new one."""
    from digest.build import Project, build_site
    from digest.story_registry import load_registry

    root = tmp_path / "root"
    shutil.copytree(CONTENT, root / "data" / "articles")
    project = Project.at(root, root / "data" / "articles")
    build_site(project)
    ids = load_registry(root / "data" / "digest-stories.json").articles
    (root / "data" / "digest-stories.json").rename(root / "digest-stories.json")  # as before
    shutil.rmtree(root / ".digest-cache")
    pinned = {k: "kept-" + v for k, v in ids.items()}  # ids only the old file can give
    (root / "digest-stories.json").write_text(
        json.dumps({"articles": pinned}, ensure_ascii=False), encoding="utf-8"
    )
    assert project.registry_source == root / "digest-stories.json"
    build_site(project)
    assert load_registry(root / "data" / "digest-stories.json").articles == pinned
    assert project.registry_source == root / "data" / "digest-stories.json"


def test_an_article_pinned_to_a_storys_id_joins_that_story(seeds):
    """``story: <id of a story the site has>`` adds the article to that story; the story
    keeps its ID (its URL and GUIDs). Unpinned again, the article gets its own ID back."""
    before = group_stories(seeds)
    known = story_index(before)
    big, small = sorted(before, key=lambda s: -len(s.articles))[:2]
    [lone] = small.articles
    pinned = [dataclasses.replace(a, story=big.id) if a is lone else a for a in seeds]
    after = {s.id: s for s in group_stories(pinned, known)}
    assert _members(after[big.id]) == _members(big) | {lone.source}
    assert small.id not in after
    known = {**known, lone.source: big.id}  # the registry as that build saved it
    again = {s.id: _members(s) for s in group_stories(seeds, known)}
    assert again[big.id] == _members(big) and again[small.id] == {lone.source}


@pytest.mark.parametrize(
    ("sentence", "quoted"),
    [
        ("تل أبيب- (أ ف ب): بدأ نتانياهو الإدلاء بشهادته.", "بدأ نتانياهو الإدلاء بشهادته."),
        ("بيروت (رويترز) - قال مسؤولون إن الغارة أصابت مبنى.", "قال مسؤولون إن الغارة أصابت مبنى."),
        ("القاهرة - «الشرق الأوسط»: أعلن البنك رفع الفائدة.", "أعلن البنك رفع الفائدة."),
        ("سوتشي - 4 سبتمبر 2023 - أبلغ بوتين أردوغان بموقفه.", "أبلغ بوتين أردوغان بموقفه."),
        ("الدوحة - قال مسؤولون إن المحادثات مستمرة.", "الدوحة - قال مسؤولون إن المحادثات مستمرة."),
        ('وقال "نحن مستعدون": هذا مهم جدا.', 'وقال "نحن مستعدون": هذا مهم جدا.'),  # a quotation
        (
            "قال الرئيس (الذي وصل أمس) إن الزيارة ناجحة.",
            "قال الرئيس (الذي وصل أمس) إن الزيارة ناجحة.",
        ),
    ],
)
def test_a_summary_quotes_a_sentence_without_its_reports_dateline(sentence, quoted):
    """Among other outlets' sentences, "تل أبيب- (أ ف ب):" says nothing of the story."""
    assert without_credit(sentence) == quoted


def test_the_trial_summaries_carry_no_agency_dateline():
    from digest.build import load_articles
    from digest.summarize import candidates

    articles, _ = load_articles(ROOT / "tests" / "fixtures" / "grouping" / "trial")
    summaries = [s for story in group_stories(articles, {}) for s in story.summary]
    assert summaries and not [s for s in summaries if "(أ ف ب)" in s]
    # what a summary may quote of AFP's report: its lead without "القدس (أ ف ب) -"
    [afp] = [a for a in articles if a.source == "f03_alquds_netanyahu.txt"]
    quotable = [sentence for _, _, sentence in candidates([afp])]
    assert quotable[0].startswith("بدأ رئيس الوزراء الإسرائيلي بنيامين نتانياهو")
