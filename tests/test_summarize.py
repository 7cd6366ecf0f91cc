"""A story's summary: the figure its reports agree on, and each report's own news."""

from __future__ import annotations

from pathlib import Path

from digest.article import Story
from digest.build import load_articles
from digest.group import group_stories
from digest.summarize import _figures, lead_sentences, summary_lead

ROOT = Path(__file__).resolve().parent.parent
LOOKALIKES = ROOT / "tests" / "fixtures" / "grouping" / "lookalikes"


def _story(folder: Path, member: str) -> Story:
    articles, _ = load_articles(folder)
    return next(s for s in group_stories(articles, {}) if member in {a.source for a in s.articles})


def _lead(story: Story, source: str) -> str:
    """The report's lead: its first usable sentence, from its first paragraph."""
    article = next(a for a in story.articles if a.source == source)
    return next(s for p, s in lead_sentences(summary_lead(article)) if p == 0)


def _write(folder: Path, reports: dict[str, tuple[str, str | None, str]]) -> None:
    for name, (title, date, body) in reports.items():
        front = f"---\ntitle: {title}\n" + (f"date: {date}\n" if date else "") + "---\n"
        (folder / name).write_text(front + body + "\n", encoding="utf-8")


def test_hundreds_and_thousands_in_words_are_figures():
    """ "أكثر من ألفي قتيل" and "ألفي شخص" give one figure, as "2000" would; a number's
    decimals are not a count ("6.8 درجات" gives 6.8, not "8 درجات")."""
    assert _figures("ارتفعت الحصيلة إلى أكثر من ألفي قتيل وآلاف الجرحى.") == {"2000"}
    assert _figures("تجاوز عدد القتلى ألفي شخص.") == {"2000"}
    assert _figures("رفع السعر من 400 ليرة إلى 4 آلاف ليرة.") == {"400", "4000"}
    assert _figures("نزح ثلاثة آلاف شخص، وأصيب مئتا آخرين.") == {"3000", "200"}
    assert _figures("نزح عشرات الآلاف من السكان.") == set()
    assert _figures("ضرب زلزال بقوة 6.8 درجات على مقياس ريختر.") == {"6.8"}


def test_the_quake_summary_gives_the_toll_and_each_reports_news():
    """The Al Haouz earthquake: two reports give the toll (more than two thousand dead),
    the third, undated, opens with the royal cabinet's three days of national mourning
    (the quake only named as its cause). The summary gives the toll, once, and quotes
    the mourning lead, not that report's second sentence (the king chaired a meeting)."""
    story = _story(LOOKALIKES, "e1_morocco_quake_hespress.md")
    assert len(story.summary) == 3, story.summary
    assert sum("ألفي" in s for s in story.summary) == 1, story.summary
    mourning = _lead(story, "e3_morocco_quake_mourning.txt")
    assert "الحداد الوطني" in mourning
    assert mourning in story.summary
    assert not any(s.startswith("وترأس الملك") for s in story.summary), story.summary


def test_a_lead_on_other_actors_is_not_passed_over():
    """Two other stories: Brazil's government regrets the US veto (an undated report, taken
    to tell the day of the veto), and Arab and Western states welcome the Saudi-Iranian
    agreement (a report of the next day, naming the agreement as the first does). Each lead
    opens on other actors than the summary's, and is quoted: not the Brazilian report's
    next sentence, nor the dangling "وأشاد بدور الرئيس الصيني" (he praised...)."""
    veto = _story(LOOKALIKES, "a1_gaza_veto_aljazeera.md")
    assert _lead(veto, "a3_gaza_veto_reaction.txt") in veto.summary
    beijing = _story(LOOKALIKES, "g1_saudi_iran_beijing_alarabiya.md")
    assert _lead(beijing, "g2_saudi_iran_beijing_independent.md") in beijing.summary
    assert not any(s.startswith("وأشاد") for s in beijing.summary), beijing.summary


# A fire in a Damascus market: the two reports of the day agree on the toll (12 dead),
# each in a later sentence; the third, undated, opens with the prosecutor's inquiry.
FIRE = {
    "fire-sana.md": (
        "حريق ضخم يلتهم سوق الحميدية في دمشق",
        "2025-02-10",
        "اندلع حريق ضخم فجر الاثنين في سوق الحميدية الشعبي بوسط دمشق، وامتد إلى عشرات"
        " المحال التجارية في السوق المسقوف.\n\nوعملت فرق الإطفاء من مراكز عدة على حصر"
        " النيران ومنع امتدادها إلى الجامع الأموي القريب من السوق.\n\nوقالت وزارة الصحة"
        " السورية إن الحريق أسفر عن مقتل 12 شخصا وإصابة آخرين بحروق وحالات اختناق.",
    ),
    "fire-watan.md": (
        "النيران تأتي على عشرات المحال في سوق الحميدية",
        "2025-02-10",
        "أتت النيران على عشرات المحال في سوق الحميدية التاريخي بدمشق، في أكبر حريق تشهده"
        " أسواق المدينة القديمة منذ سنوات.\n\nوأظهرت مقاطع مصورة أعمدة الدخان الكثيف"
        " تتصاعد فوق المدينة القديمة، بينما هرع التجار لإخراج بضائعهم من المحال.\n\nوقالت"
        " مصادر طبية في دمشق إن عدد قتلى الحريق بلغ 12، بينهم عاملان في المحال.",
    ),
    "fire-inquiry.txt": (
        "النيابة العامة تحقق في أسباب حريق سوق الحميدية",
        None,
        "فتحت النيابة العامة السورية تحقيقا في أسباب حريق سوق الحميدية في دمشق، واستدعت"
        " مسؤولي شركة الكهرباء في المحافظة للاستماع إلى أقوالهم.\n\nوقال محافظ دمشق إن"
        " المحافظة ستعوض أصحاب المحال المتضررة بعد حصر الأضرار في سوق الحميدية.",
    ),
}


def test_a_figure_several_reports_give_is_in_the_summary(tmp_path):
    """Both reports of the day give the toll, in a sentence after their leads: the summary
    gives it (once), besides a lead of the day and the inquiry the third report opens with,
    in three sentences."""
    for name, (title, date, body) in FIRE.items():
        _write(tmp_path, {name: (title, date, body)})
    story = _story(tmp_path, "fire-sana.md")
    assert {a.source for a in story.articles} == set(FIRE)
    assert len(story.summary) == 3, story.summary
    assert sum("12" in s for s in story.summary) == 1, story.summary
    assert _lead(story, "fire-inquiry.txt") in story.summary
    leads = [_lead(story, name) for name in ("fire-sana.md", "fire-watan.md")]
    assert sum(lead in story.summary for lead in leads) == 1, story.summary


def test_a_meeting_told_as_one_received_the_other_is_told_once(tmp_path: Path):
    """Cairo, 2 June 2025: "استقبل ... عبد العاطي ... عباس عراقجي" (Masry al-Youm's lead) and
    "أجرى وزير الخارجية الإيراني، عباس عراقجي، محادثات مع نظيره المصري" (al-Mayadeen's
    first sentence after its standfirst, so no lead of the day) tell one meeting: one
    minister received the other is a meeting, as talks are. With the Sputnik report too
    (and without a fourth), the summary quotes it once."""
    trial2 = ROOT / "tests" / "fixtures" / "grouping" / "trial2"
    for name in ("a01", "a02", "a03"):
        (source,) = trial2.glob(f"{name}_*.txt")
        (tmp_path / source.name).write_bytes(source.read_bytes())
    story = _story(tmp_path, "a01_masryalyoum_araghchi_cairo.txt")
    assert len(story.articles) == 3
    openings = ("استقبل الدكتور بدر عبد العاطي", "أجرى وزير الخارجية الإيراني")
    assert sum(s.startswith(openings) for s in story.summary) == 1, story.summary
