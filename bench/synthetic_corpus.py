"""A synthetic Arabic news corpus with known stories, for grouping benchmarks.

Events (kind, place, two principals, a handful of topic words, a date) are drawn over
a year; each event gets 1-6 articles written from templates that mix the event's words
with shared background vocabulary, so that many events share actors, places and
phrasing, as real news does. About 15 % of the articles are undated. Deterministic for
a given seed.
"""

from __future__ import annotations

import datetime as dt
import random

from digest.article import Article, Block

PEOPLE = [
    ("الرئيس الروسي", "فلاديمير بوتين"),
    ("الرئيس التركي", "رجب طيب أردوغان"),
    ("الرئيس الإيراني", "مسعود بزشكيان"),
    ("الرئيس الصيني", "شي جينبينغ"),
    ("الرئيس الأمريكي", "جو بايدن"),
    ("الرئيس الفرنسي", "إيمانويل ماكرون"),
    ("المستشار الألماني", "أولاف شولتس"),
    ("الرئيس المصري", "عبد الفتاح السيسي"),
    ("ولي العهد السعودي", "محمد بن سلمان"),
    ("أمير قطر", "تميم بن حمد"),
    ("الملك الأردني", "عبد الله الثاني"),
    ("رئيس الوزراء الإسرائيلي", "بنيامين نتنياهو"),
    ("الرئيس الأوكراني", "فولوديمير زيلينسكي"),
    ("رئيس الوزراء العراقي", "محمد شياع السوداني"),
    ("الرئيس الجزائري", "عبد المجيد تبون"),
    ("الرئيس التونسي", "قيس سعيد"),
    ("رئيس الوزراء الهندي", "ناريندرا مودي"),
    ("الرئيس البرازيلي", "لويس إيناسيو لولا دا سيلفا"),
    ("الأمين العام للأمم المتحدة", "أنطونيو غوتيريش"),
    ("وزير الخارجية الأمريكي", "أنتوني بلينكن"),
    ("وزير الخارجية الروسي", "سيرغي لافروف"),
    ("وزير الخارجية السعودي", "فيصل بن فرحان"),
    ("وزير الخارجية الإيراني", "عباس عراقجي"),
    ("وزير الخارجية التركي", "هاكان فيدان"),
    ("رئيس الوزراء البريطاني", "كير ستارمر"),
    ("الرئيس الإماراتي", "محمد بن زايد"),
    ("الرئيس السوري", "أحمد الشرع"),
    ("رئيس الوزراء اللبناني", "نواف سلام"),
    ("الرئيس الكيني", "وليام روتو"),
    ("رئيس الوزراء الياباني", "شيغيرو إيشيبا"),
]
CITIES = [
    "موسكو",
    "سوتشي",
    "أستانا",
    "أنقرة",
    "إسطنبول",
    "طهران",
    "بكين",
    "واشنطن",
    "نيويورك",
    "باريس",
    "برلين",
    "لندن",
    "القاهرة",
    "الرياض",
    "جدة",
    "الدوحة",
    "أبوظبي",
    "عمان",
    "بغداد",
    "دمشق",
    "بيروت",
    "الجزائر",
    "تونس",
    "الرباط",
    "جنيف",
    "فيينا",
    "بروكسل",
    "نيودلهي",
    "طوكيو",
    "نيروبي",
    "باكو",
    "شرم",
    "الشيخ",
    "مسقط",
    "الكويت",
    "المنامة",
]
KINDS = {
    "meet": ("يلتقي", "لقاء", "اجتمع", "محادثات", "اجتماع"),
    "sign": ("يوقعان", "توقيع", "وقع", "اتفاقية", "معاهدة"),
    "visit": ("يزور", "زيارة", "وصل", "زيارته", "جولة"),
    "summit": ("قمة", "القمة", "قمة", "مؤتمر", "منتدى"),
    "vote": ("تصويت", "قرار", "مشروع", "صوت", "اعتمد"),
    "attack": ("هجوم", "غارة", "قصف", "انفجار", "ضربات"),
    "quake": ("زلزال", "هزة", "انهيار", "حريق", "فيضانات"),
    "election": ("انتخابات", "فوز", "اقتراع", "مرشح", "نتائج"),
    "protest": ("احتجاجات", "تظاهرات", "متظاهرين", "إضراب", "مسيرة"),
}
TOPICS = [
    "الطاقة",
    "النفط",
    "الغاز",
    "الحبوب",
    "الأسمدة",
    "القمح",
    "الكهرباء",
    "الموانئ",
    "السكك",
    "الحديد",
    "الممر",
    "التجاري",
    "الاستثمارات",
    "الديون",
    "التضخم",
    "العملة",
    "البنوك",
    "الصادرات",
    "الواردات",
    "الرسوم",
    "الجمركية",
    "الأمن",
    "الدفاع",
    "الصواريخ",
    "المسيرات",
    "الطائرات",
    "الدبابات",
    "الحدود",
    "اللاجئين",
    "المساعدات",
    "الإغاثة",
    "الأسرى",
    "الرهائن",
    "الهدنة",
    "وقف",
    "إطلاق",
    "النار",
    "المفاوضات",
    "الوساطة",
    "الملف",
    "النووي",
    "العقوبات",
    "المياه",
    "السدود",
    "المناخ",
    "الجفاف",
    "الزراعة",
    "الصحة",
    "اللقاحات",
    "التعليم",
    "الجامعات",
    "السياحة",
    "الطيران",
    "الاتصالات",
    "الإنترنت",
    "الذكاء",
    "الاصطناعي",
    "الفضاء",
    "الأقمار",
    "الصناعية",
    "التعدين",
    "الذهب",
    "الفوسفات",
    "الحديد",
    "الصلب",
    "الإسمنت",
    "البناء",
    "الإسكان",
    "الطرق",
    "الجسور",
    "المطارات",
    "الموانئ",
    "البحرية",
    "القوات",
    "البحرية",
    "التدريبات",
    "المناورات",
]
BACKGROUND = [
    "وتأتي هذه الخطوة في ظل توترات إقليمية متصاعدة وضغوط اقتصادية متزايدة على دول المنطقة.",
    "ويرى مراقبون أن التطورات الأخيرة تعكس تحولات عميقة في موازين القوى الدولية.",
    "وتشهد العلاقات بين البلدين تقاربا ملحوظا خلال السنوات الأخيرة في مجالات عدة.",
    "وأكد مسؤولون أن المرحلة المقبلة ستشهد مزيدا من التنسيق والتشاور بين الجانبين.",
    "وتواجه المنطقة تحديات أمنية واقتصادية كبيرة منذ سنوات بسبب النزاعات المستمرة.",
    "وأشار محللون إلى أن النتائج ستظهر تدريجيا على المدى المتوسط والطويل.",
    "ويأتي ذلك وسط اهتمام دولي واسع ومتابعة من وسائل الإعلام العالمية.",
    "ولم يصدر أي تعليق رسمي من الأطراف الأخرى حتى ساعة إعداد هذا التقرير.",
]
OUTLETS = [
    "الجزيرة",
    "العربية",
    "الأناضول",
    "سكاي_نيوز",
    "فرانس_24",
    "بي_بي_سي",
    "رويترز",
    "الشرق_الأوسط",
]


def _event(rng: random.Random, start: dt.date, days: int) -> dict:
    first, second = rng.sample(PEOPLE, 2)
    return {
        "date": start + dt.timedelta(days=rng.randrange(days)),
        "kind": rng.choice(list(KINDS)),
        "city": rng.choice(CITIES),
        "people": (first, second),
        "topics": rng.sample(TOPICS, 6),
        "size": rng.choice((1, 1, 2, 2, 3, 3, 3, 4, 5, 6)),
    }


def _article(rng: random.Random, event: dict, n: int, ident: str) -> Article:
    (t1, p1), (t2, p2) = event["people"]
    words = KINDS[event["kind"]]
    city, topics = event["city"], event["topics"]
    pick = rng.sample(topics, 4)
    title = rng.choice(
        [
            f"{p1.split()[-1]} و{p2.split()[-1]} {words[0]} في {city} لبحث {pick[0]}",
            f"{words[1]} في {city} بين {p1.split()[-1]} و{p2.split()[-1]} حول {pick[0]} و{pick[1]}",
            f"{t1} {p1} في {city}: {words[1]} يركز على {pick[0]}",
        ]
    )
    lede = (
        f"{rng.choice(['أعلن', 'أكد', 'قال'])} {t1} {p1} خلال {words[1]} مع {t2} {p2} في {city} "
        f"أن {pick[0]} و{pick[1]} في صدارة الأولويات، وذلك في إطار {words[3]} {words[4]}."
    )
    paragraphs = [lede]
    for _ in range(rng.randint(3, 7)):
        sentence = rng.choice(
            [
                f"وتناول الجانبان ملفات {rng.choice(topics)} و{rng.choice(topics)} "
                f"و{rng.choice(TOPICS)} بحسب بيان صدر في {city}.",
                f"وقال {t2} {p2} إن {words[2]} يفتح الباب أمام تعاون أوسع في {rng.choice(topics)}.",
                rng.choice(BACKGROUND),
                f"وتطرق {words[1]} أيضا إلى {rng.choice(TOPICS)} و{rng.choice(TOPICS)}.",
            ]
        )
        paragraphs.append(sentence)
    undated = rng.random() < 0.15
    date = None if undated else event["date"] + dt.timedelta(days=rng.choice((0, 0, 0, 1)))
    return Article(
        source=f"{ident}_{n}.txt",
        title=title,
        title_derived=False,
        outlet=rng.choice(OUTLETS).replace("_", " "),
        date=date,
        lang="ar",
        body=tuple(Block("paragraph", p) for p in paragraphs),
    )


def synthetic_corpus(
    n_articles: int, *, seed: int = 1, days: int = 365
) -> tuple[list[Article], dict[str, str]]:
    """``n_articles`` articles and their gold labels (source -> event id)."""
    rng = random.Random(seed)
    start = dt.date(2024, 1, 1)
    articles: list[Article] = []
    labels: dict[str, str] = {}
    e = 0
    while len(articles) < n_articles:
        event = _event(rng, start, days)
        ident = f"e{e:05d}"
        for n in range(min(event["size"], n_articles - len(articles))):
            article = _article(rng, event, n, ident)
            articles.append(article)
            labels[article.source] = ident
        e += 1
    return articles, labels
