"""Small lexicons that tell events apart: what kind of event, and in which city.

Two reports share their actors (بوتين, إيران) whether they cover a signing in Moscow
or a meeting in Ashgabat; the kind of event and its place are what differ. These lists
turn the many written forms of an event word (وقّع، يوقعان، توقيع، معاهدة) into one
feature ``~sign`` and city names into ``@<city>`` features, which grouping weighs more
in an article's lead. Entries are folded with ``normalize_arabic`` on load. Written for
this project (MIT).
"""

from __future__ import annotations

import functools
import re

from digest.normalize import normalize_arabic
from digest.stopwords_ar import STOPWORDS

# Kind of event -> regular expression that a whole (clitic-stripped, folded) token matches;
# the first kind that matches wins.
_EVENT_PATTERNS = {
    "sign": r"(?:س?[يت])?وقع(?:ت|ا|وا|ان|تا|ون|ها|اها|ه)?|توقعان|توقيع(?:ه|ها)?"
    r"|معاهد(?:ه|ات|تين)|اتفاقي(?:ه|ات)|اتفاق(?:ا|ات)?",
    "meet": r"(?:س?[يت]|ا)?لتق(?:ي|يا|وا|يان|ت)?|لقا(?:ه|هما|ات)?|لقاي(?:ه|هما|هم)"
    r"|(?:س?[يت])?جتمع(?:ا|ان|ون|وا)?|اجتمع(?:ا|وا|ت)?|اجتماع(?:ه|هما|ات)?"
    r"|محادثات(?:ه|هما)?|مباحثات(?:ه|هما)?"
    r"|(?:س?[يت]|ا)ستقبل(?:ت|ا|وا|ه|ها|هما)?|استقبال(?:ه|ها)?",  # X received Y: they met
    "summit": r"قمه|قمتها|قمتهم",
    "visit": r"زياره|زيارته|زيارتها|زار|زارت|(?:س?[يت])زور|وصل|وصلت|(?:س?[يت])صل",
    "vote": r"تصويت|صوت|صوتت|(?:س?[يت])صوت|قرار|فيتو|نقض|اعتمد|تبني",
    "attack": r"هجوم|هجمات|غاره|غارات|قصف|ضربه|ضربات|انفجار|تفجير|استهداف",
    "death": r"مقتل|قتلي|قتيل|اغتيال|مصرع|شهدا|ضحايا|وفاه|اصابه|جرحي",
    "ceasefire": r"هدنه|وقف|تهدئه",
    "election": r"انتخابات|انتخاب|اقتراع|فوز|فاز|فازت|مرشح|ولايه",
    "protest": r"تظاهر|تظاهرات|مظاهرات|احتجاج|احتجاجات|محتجين|متظاهرين|اضراب",
    # each kind of disaster its own: a quake and a flood on one day are two stories
    "quake": r"زلزال|زلازل|هزه|هزات",
    "flood": r"فيضان|فيضانات|سيول|امطار",
    "storm": r"اعصار|عاصفه|عواصف",
    "fire": r"حريق|حرايق",
    "collapse": r"انهيار",
    "sanction": r"عقوبات|حظر",
    "release": r"افراج|اطلاق سراح|تبادل|اسري|محتجزين|رهاين",
    "appoint": r"تعيين|تعيينه|استقاله|استقال|اقاله|تنصيب",
    "court": r"محكمه|ادانه|محاكمه|قضيه",
}
_ANY_EVENT = re.compile(
    "|".join(f"(?P<{kind}>{normalize_arabic(p)})" for kind, p in _EVENT_PATTERNS.items())
)

# Cities and sites where events happen (capitals, summit venues, datelines). Countries
# are left out on purpose: in news they are mostly actors ("روسيا وإيران توقعان").
_CITIES = """
موسكو سوتشي قازان كازان سان_بطرسبرغ بطرسبورغ مينسك كييف أوديسا خاركيف
طهران أصفهان تبريز عشق_آباد عشق_اباد عشقاباد أستانا استانا ألماتي طشقند باكو يريفان تبليسي
دوشنبه بشكيك
أنقرة إسطنبول اسطنبول أنطاليا إزمير
القاهرة الإسكندرية شرم_الشيخ العلمين الرياض جدة مكة المدينة_المنورة الدمام الدوحة أبوظبي
أبو_ظبي دبي الشارقة المنامة الكويت مسقط صنعاء عدن الحديدة مأرب بغداد البصرة الموصل أربيل
كركوك النجف كربلاء دمشق حلب حمص إدلب درعا اللاذقية دير_الزور الرقة بيروت صيدا طرابلس
بنغازي مصراتة عمان العقبة القدس رام_الله نابلس جنين الخليل بيت_لحم غزة خان_يونس رفح
دير_البلح جباليا تل_أبيب حيفا الخرطوم بورتسودان الفاشر أم_درمان الرباط الدار_البيضاء مراكش
فاس طنجة الجزائر وهران قسنطينة تونس صفاقس نواكشوط مقديشو جيبوتي أديس_أبابا نيروبي
واشنطن نيويورك لندن باريس برلين روما مدريد بروكسل جنيف فيينا لاهاي أمستردام وارسو بودابست
بكين شنغهاي طوكيو سيول بيونغ_يانغ نيودلهي دلهي إسلام_آباد كابل جاكرتا كوالالمبور دافوس
ميونخ هلسنكي أوسلو استوكهولم كوبنهاغن بوخارست صوفيا بلغراد أثينا نيقوسيا بغداد
""".split()  # noqa: SIM905


def _fold_city(name: str) -> str:
    return normalize_arabic(name.replace("_", " "))


_FOLDED = sorted({_fold_city(c) for c in _CITIES}, key=lambda c: (-len(c), c))
# Multi-word names are glued into one token before tokenising: "عشق اباد" -> "عشقاباد".
CITIES: frozenset[str] = frozenset(c.replace(" ", "") for c in _FOLDED)
_MULTIWORD = re.compile(
    r"\b([وفبل]{0,2})(" + "|".join(re.escape(c) for c in _FOLDED if " " in c) + r")\b"
)


def join_multiword(folded: str) -> str:
    """Glue the words of multi-word city names in folded text (they become one token)."""
    return _MULTIWORD.sub(lambda m: m[1] + m[2].replace(" ", ""), folded)


# Words that introduce a person in news prose: "الرئيس التركي رجب طيب أردوغان",
# "نظيره الصيني شي جينبينغ", "وزير الخارجية السعودي الأمير فيصل بن فرحان".
PERSON_TITLES: frozenset[str] = frozenset(
    normalize_arabic(w)
    for w in [
        "الرئيس",
        "رئيس",
        "نظيره",
        "نظيرها",
        "نظيريه",
        "الزعيم",
        "زعيم",
        "وزير",
        "وزيرة",
        "الوزير",
        "رئيسة",
        "الرئيسة",
        "الملك",
        "ملك",
        "الأمير",
        "أمير",
        "ولي",
        "العهد",
        "المستشار",
        "مستشار",
        "الأمين",
        "أمين",
        "السفير",
        "السفيرة",
        "المتحدث",
        "متحدث",
        "المتحدثة",
        "المبعوث",
        "مبعوث",
        "المرشد",
        "القائد",
        "قائد",
        "الجنرال",
        "المستشارة",
        "الشيخ",
        "البابا",
        "رئيسا",
    ]
)
# First words of compound names, after which a word with ال still belongs to the name.
NAME_STARTERS: frozenset[str] = frozenset(
    normalize_arabic(w)
    for w in "عبد بن ابن أبو أبي آل".split()  # noqa: SIM905
)
_ANY_TITLE = re.compile(
    r"(?<![^\W\d_])[وفبل]?(?:"
    + "|".join(sorted(PERSON_TITLES, key=len, reverse=True))
    + r")(?![^\W\d_])"
)
_CLAUSE = re.compile(r"[.,;:!?()\[\]…|/-]+")
_WORD = re.compile(r"[^\W\d_]+")


def _is_title(word: str) -> bool:
    return word in PERSON_TITLES or (word[:1] in "وفبل" and word[1:] in PERSON_TITLES)


def people_names(folded: str) -> list[tuple[str, ...]]:
    """Person names introduced by a title, as tuples of folded words.

    A light stand-in for named-entity recognition: after a title word (الرئيس, نظيره,
    وزير ...), skip up to three ``ال``/``لل`` words (nationality, ministry), then take up
    to four name words, stopping at a stopword, another title, an event word, a ``و``
    conjunction, a preposition glued to ``ال`` (بالقرار) or an ``ال`` word (allowed right
    after عبد/بن/أبو: عبد الفتاح السيسي). "الرئيس التركي رجب طيب أردوغان" gives
    ``("رجب", "طيب", "اردوغان")``.
    """
    found: list[tuple[str, ...]] = []
    for clause in _CLAUSE.split(folded):
        if not _ANY_TITLE.search(clause):
            continue
        words = _WORD.findall(clause)
        for i, word in enumerate(words):
            if not _is_title(word):
                continue
            j = i + 1
            while j < len(words) and j <= i + 3 and words[j].startswith(("ال", "لل")):
                j += 1
            name: list[str] = []
            after_article = False  # an ال word was taken: only ال words may follow
            while j < len(words) and len(name) < 4:
                w = words[j]
                if w in STOPWORDS or _is_title(w) or event_kind(w) is not None:
                    break
                if (w.startswith("و") and name) or w.startswith(("بال", "لل", "كال", "فال")):
                    break
                if w.startswith("ال"):
                    if not name or not (name[-1] in NAME_STARTERS or after_article):
                        break
                    after_article = True
                elif after_article:
                    break
                name.append(w)
                j += 1
            name = [w for w in name if w not in NAME_STARTERS]
            if name:
                found.append(tuple(name))
    return found


def _strip_al(word: str) -> str:
    return word[2:] if word.startswith("ال") else word


# Countries an event is in ("في مصر", "إلى السعودية", "بتركيا"): each with the forms that
# mention it (مصري, المصرية, المصريين), folded, without ال. A day's figures or vote in two
# countries are two stories ("inflation in Egypt" and "inflation in Saudi Arabia"); a
# report that calls the country by its adjective only ("الانتخابات المصرية") still
# mentions it. Countries named like their capitals (الكويت, الجزائر, تونس) are cities, and
# عمان (Amman or Oman) neither.
_COUNTRY_FORMS = """
مصر مصري مصرية مصريين مصريون
السعودية سعودي سعودية سعوديين سعوديون
الإمارات إماراتي إماراتية إماراتيين
قطر قطري قطرية قطريين
البحرين بحريني بحرينية بحرينيين
اليمن يمني يمنية يمنيين
العراق عراقي عراقية عراقيين
سوريا سورية سوري سوريين سوريون
لبنان لبناني لبنانية لبنانيين
الأردن أردني أردنية أردنيين
فلسطين فلسطيني فلسطينية فلسطينيين
إسرائيل إسرائيلي إسرائيلية إسرائيليين
ليبيا ليبي ليبية ليبيين
المغرب مغربي مغربية مغاربة
السودان سوداني سودانية سودانيين
موريتانيا موريتاني موريتانية
الصومال صومالي صومالية
إيران إيراني إيرانية إيرانيين
تركيا تركي تركية أتراك
روسيا روسي روسية الروس
أوكرانيا أوكراني أوكرانية
الصين صيني صينية
فرنسا فرنسي فرنسية
ألمانيا ألماني ألمانية
بريطانيا بريطاني بريطانية
إسبانيا إسباني إسبانية
إيطاليا إيطالي إيطالية
الهند هندي هندية
باكستان باكستاني باكستانية
أفغانستان أفغاني أفغانية
اليابان ياباني يابانية
"""
COUNTRY_FORMS: dict[str, tuple[str, ...]] = {
    forms[0]: forms
    for forms in (
        tuple(_strip_al(normalize_arabic(word)) for word in line.split())
        for line in _COUNTRY_FORMS.strip().splitlines()
    )
}


def country_name(stem: str) -> str | None:
    """The country a folded token names (``ال`` already stripped), if any."""
    return stem if stem in COUNTRY_FORMS else None


_PLACE_BEFORE = frozenset(
    normalize_arabic(w) for w in ["في", "إلى", "الى", "العاصمة", "منتجع", "مدينة", "بمدينة"]
)


def event_places(folded: str) -> list[str]:
    """Cities and countries named as a place in folded text: "في موسكو", "إلى أستانا",
    "بسوتشي" (the word as written), "في مصر" (the country's key in :data:`COUNTRY_FORMS`).

    A bare capital is often the government, not the place ("واشنطن تستخدم الفيتو"), and
    a bare country an actor ("روسيا وإيران توقعان"), so they only count after a locative
    word or with a glued ب.
    """
    words = _WORD.findall(folded)
    places = []
    for i, word in enumerate(words):
        before = words[i - 1] if i else ""
        if i > 1 and before.startswith("ال") and words[i - 2] in _PLACE_BEFORE:
            before = words[i - 2]  # العاصمة الكازاخية أستانا
        if before in _PLACE_BEFORE:
            place = word
        elif word[:1] == "ب":
            place = word[1:]
        else:
            continue
        if city_name(_strip_al(place)):
            places.append(place)
        elif country := country_name(_strip_al(place)):
            places.append(country)
    return places


# Kinds of event that are an encounter of named parties: the people it is between tell
# one such event from another (Trump's call with Putin, his call with Zelensky next day).
# A phone call is one only here, not an event-kind feature: its reports share its words
# anyway, and weighing them up would change which sentences summaries quote.
ENCOUNTER_KINDS: frozenset[str] = frozenset({"call", "meet", "summit", "visit"})
_CALL = re.compile(
    normalize_arabic(
        r"اتصال(?:ا|ه|ها|هما)?|اتصل(?:ت|ا)?|يتصل|مكالم(?:ه|ته|تها|تهما|ات)|هاتفي(?:ا|ه)?"
    )
)
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def encounter_kind(word: str) -> str | None:
    """The kind of encounter (:data:`ENCOUNTER_KINDS`) a folded word names, if any."""
    stem = _strip_al(word)
    kind = event_kind(stem)
    if kind in ENCOUNTER_KINDS:
        return kind
    return "call" if _CALL.fullmatch(stem) else None


def encounter_parties(folded: str) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """The parties of the encounter a lede paragraph opens with, and its kinds.

    When the paragraph's first sentence names an encounter (a call, a meeting, a summit,
    a visit: :data:`ENCOUNTER_KINDS`) and its first clause (up to the first comma) names
    at least two people (:func:`people_names`), those people are the encounter's parties:
    "أجرى الرئيس الأمريكي دونالد ترامب اتصالا هاتفيا مع الرئيس الأوكراني فولوديمير
    زيلينسكي، الأربعاء، ... غداة مكالمته مع الرئيس الروسي فلاديمير بوتين" gives Trump and
    Zelensky (Putin is named later in the sentence, as the background); else nothing.
    """
    sentence = _SENTENCE_END.split(folded, maxsplit=1)[0]
    kinds = sorted({k for w in _WORD.findall(sentence) if (k := encounter_kind(w)) is not None})
    if not kinds:
        return (), ()
    people = []
    for name in people_names(_CLAUSE.split(sentence, maxsplit=1)[0]):
        # a name ends before a call's words too ("ترامب اتصالا هاتفيا مع ...")
        ends = [k for k, w in enumerate(name) if encounter_kind(w) is not None]
        if name := name[: ends[0]] if ends else name:
            people.append(name)
    if len(set(people)) < 2:
        return (), ()
    return tuple(people), tuple(kinds)


@functools.lru_cache(maxsize=200_000)
def event_kind(stem: str) -> str | None:
    """The kind of event a folded, clitic-stripped token names, if any."""
    match = _ANY_EVENT.fullmatch(stem)
    return match.lastgroup if match else None


def city_name(stem: str) -> str | None:
    """The city a folded token names (``ال`` already stripped), if any."""
    if stem in CITIES:
        return stem
    if ("ال" + stem) in CITIES:
        return "ال" + stem
    return None
