"""Outlet names for English pages: the names outlets use in English, not a translation.

"الجزيرة" is "Al Jazeera" and "الشرق الأوسط" is "Asharq Al-Awsat": a machine translation
("The Island", "The Middle East") would be wrong, so English pages show the outlet's own
English name, from ``[outlets]`` in ``digest.toml`` or else from this list of well-known
Arabic news outlets. An outlet found in neither keeps its Arabic name (marked as Arabic).
Names are matched after :func:`digest.normalize.normalize_arabic`, so spelling variants
(أ/ا, ة/ه, ى/ي) match too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from urllib.parse import urlsplit

from digest.normalize import normalize_arabic

KNOWN_OUTLETS: dict[str, str] = {
    "الجزيرة": "Al Jazeera",
    "الجزيرة نت": "Al Jazeera",
    "العربية": "Al Arabiya",
    "العربية نت": "Al Arabiya",
    "الشرق الأوسط": "Asharq Al-Awsat",
    "الأهرام": "Al-Ahram",
    "بوابة الأهرام": "Al-Ahram",
    "القدس العربي": "Al-Quds Al-Arabi",
    "العربي الجديد": "The New Arab",
    "سكاي نيوز عربية": "Sky News Arabia",
    "بي بي سي عربي": "BBC Arabic",
    "بي بي سي نيوز عربي": "BBC Arabic",
    "بي بي سي": "BBC Arabic",
    "فرانس 24": "France 24",
    "فرانس24": "France 24",
    "دويتشه فيله": "DW Arabic",
    "DW عربية": "DW Arabic",
    "روسيا اليوم": "RT Arabic",
    "آر تي": "RT Arabic",
    "سبوتنيك": "Sputnik Arabic",
    "سبوتنيك عربي": "Sputnik Arabic",
    "الحرة": "Alhurra",
    "الميادين": "Al Mayadeen",
    "الميادين نت": "Al Mayadeen",
    "المصري اليوم": "Al-Masry Al-Youm",
    "اليوم السابع": "Youm7",
    "الشروق": "Shorouk News",
    "بوابة الشروق": "Shorouk News",
    "مصراوي": "Masrawy",
    "الوطن": "El Watan",
    "بوابة الفجر": "El Fagr",
    "الفجر": "El Fagr",
    "الأمصار": "Al-Amsar",
    "النهار": "An-Nahar",
    "الأخبار": "Al-Akhbar",
    "عكاظ": "Okaz",
    "الرياض": "Al Riyadh",
    "البيان": "Al Bayan",
    "الخليج": "Al Khaleej",
    "الاتحاد": "Al Ittihad",
    "الراية": "Al Raya",
    "القبس": "Al Qabas",
    "الدستور": "Ad-Dustour",
    "الغد": "Al Ghad",
    "هسبريس": "Hespress",
    "إرم نيوز": "Erem News",
    "عنب بلدي": "Enab Baladi",
    "تلفزيون سوريا": "Syria TV",
    "عربي 21": "Arabi21",
    "عربي21": "Arabi21",
    "رويترز": "Reuters",
    "وكالة رويترز": "Reuters",
    "الأناضول": "Anadolu Agency",
    "وكالة الأناضول": "Anadolu Agency",
    "وكالة الأنباء الفرنسية": "AFP",
    "فرانس برس": "AFP",
    "أ ف ب": "AFP",
    "د ب أ": "dpa",
    "شينخوا": "Xinhua",
    "أسوشيتد برس": "AP",
    "وكالة الأنباء السعودية": "Saudi Press Agency",
    "واس": "Saudi Press Agency",
    "وكالة أنباء الإمارات": "WAM",
    "وام": "WAM",
    "وكالة الأنباء القطرية": "QNA",
    "وكالة الأنباء الأردنية": "Petra",
    "بترا": "Petra",
    "وكالة أنباء الشرق الأوسط": "MENA",
    "وكالة الأنباء العراقية": "INA",
    "وكالة الأنباء الكويتية": "KUNA",
    "كونا": "KUNA",
    "وكالة المغرب العربي للأنباء": "MAP",
    "وكالة الأنباء الجزائرية": "APS",
    "وكالة تونس أفريقيا للأنباء": "TAP",
    "وكالة الأنباء الإيرانية": "IRNA",
    "إرنا": "IRNA",
    "تسنيم": "Tasnim News Agency",
    "مهر": "Mehr News Agency",
    "سانا": "SANA",
    "قناة العالم": "Al-Alam",
    "اندبندنت عربية": "Independent Arabia",
    "إندبندنت عربية": "Independent Arabia",
}


_KNOWN = {normalize_arabic(arabic): english for arabic, english in KNOWN_OUTLETS.items()}
# Words an outlet's name may start with to say what it is: "newspaper", "site", "channel"
# (a site's tagline starts with one too: "جريدة العرب الدولية").
OUTLET_KINDS = frozenset(
    normalize_arabic(word) for word in ("صحيفة", "جريدة", "موقع", "قناة", "مجلة", "شبكة")
)


class OutletNames:
    """English names of outlets: ``configured`` (from ``digest.toml``) first, then
    :data:`KNOWN_OUTLETS`; and one spelling per outlet of the names ``seen`` on the site
    (see :meth:`spelling`)."""

    def __init__(
        self, configured: Mapping[str, str] | None = None, seen: Iterable[str] = ()
    ) -> None:
        self._index = {**_KNOWN}
        self._index.update((normalize_arabic(a), name) for a, name in (configured or {}).items())
        self._spelling: dict[str, str] = {}
        for name, _ in sorted(Counter(seen).items(), key=lambda item: (-item[1], item[0])):
            self._spelling.setdefault(normalize_arabic(name), name)

    def english(self, name: str) -> str | None:
        """The outlet's English name, or None (looked up by :func:`outlet_keys`)."""
        return next((self._index[k] for k in outlet_keys(name) if k in self._index), None)

    def spelling(self, name: str) -> str:
        """The one spelling of this outlet's name that its page is named after: names that
        differ only in how Arabic is spelled (العربي, العربى) are one outlet, called by
        the spelling the site's articles use most (then the first in code-point order)."""
        return self._spelling.get(normalize_arabic(name), name)


def outlet_keys(name: str) -> tuple[str, ...]:
    """The names an outlet goes by, folded: its name, and without the word that says what
    kind of outlet it is (صحيفة عكاظ is عكاظ too; موقع الجزيرة نت, الجزيرة نت)."""
    folded = normalize_arabic(name)
    kind, _, rest = folded.partition(" ")
    return (folded, rest) if kind in OUTLET_KINDS and rest else (folded,)


def unused_outlet_names(configured: Mapping[str, str], seen: Iterable[str]) -> list[str]:
    """Warnings for the ``[outlets]`` names of ``digest.toml`` that no outlet ``seen`` on
    the site's articles goes by (as :meth:`OutletNames.english` looks them up), each with
    the outlet names like it, if any: "سبوتنيك" when the articles say "سبوتنيك عربي"."""
    import difflib

    names = sorted(set(seen))
    keys = {key for name in names for key in outlet_keys(name)}
    warnings = []
    for name in sorted(configured):
        if normalize_arabic(name) in keys:
            continue
        like = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f" (like: {', '.join(like)})" if like else ""
        warnings.append(
            f'digest.toml: [outlets] "{name}" is not an outlet of the articles{hint}; '
            "write the name as the articles give it"
        )
    return warnings


# An English name (as a site's masthead may give it, "RT Arabic") -> the first Arabic name
# listed for it, so that its reports are filed under the same outlet as the Arabic name's.
_ARABIC_OF = {normalize_arabic(e): a for a, e in reversed(KNOWN_OUTLETS.items())}
_WELL_KNOWN = OutletNames()
MASTHEAD_WORDS = 6  # the longest name listed, with a word like صحيفة before it, and one more


@lru_cache(maxsize=8192)  # cleaning asks about each short line more than once
def masthead_outlet(line: str) -> str | None:
    """The outlet a line of its own names, when it is just a well-known outlet's name
    (``الجزيرة نت``, ``صحيفة عكاظ``, ``RT Arabic``): as written, or the Arabic name of an
    English one; else None."""
    if len(line.split()) > MASTHEAD_WORDS:  # a paragraph: not folded to find out
        return None
    if _WELL_KNOWN.english(line) is not None:
        return " ".join(line.split())
    return _ARABIC_OF.get(normalize_arabic(line))


def byline_outlet(name: str) -> str | None:
    """The well-known outlet a byline credits instead of a person (``Author, فريق بي بي سي
    نيوز عربي``: its "team"), as written without that word; else None."""
    words = name.split()
    if words and normalize_arabic(words[0]) == _TEAM:
        words = words[1:]
    return masthead_outlet(" ".join(words)) if words else None


_TEAM = normalize_arabic("فريق")


# Well-known news sites' addresses -> the outlet (by a name in KNOWN_OUTLETS): a scraped
# file often gives its page's address, and no outlet name. A host matches with any
# subdomain (www., m.); an entry with a path matches addresses under that path only.
KNOWN_SITES: dict[str, str] = {
    "aljazeera.net": "الجزيرة نت",
    "alarabiya.net": "العربية",
    "aawsat.com": "الشرق الأوسط",
    "ahram.org.eg": "الأهرام",
    "gate.ahram.org.eg": "بوابة الأهرام",
    "alquds.co.uk": "القدس العربي",
    "alaraby.co.uk": "العربي الجديد",
    "skynewsarabia.com": "سكاي نيوز عربية",
    "bbc.com/arabic": "بي بي سي عربي",
    "bbc.co.uk/arabic": "بي بي سي عربي",
    "france24.com/ar": "فرانس 24",
    "dw.com/ar": "دويتشه فيله",
    "p.dw.com": "دويتشه فيله",
    "arabic.rt.com": "روسيا اليوم",
    "sputniknews.com": "سبوتنيك",
    "alhurra.com": "الحرة",
    "almayadeen.net": "الميادين",
    "almasryalyoum.com": "المصري اليوم",
    "youm7.com": "اليوم السابع",
    "shorouknews.com": "الشروق",
    "masrawy.com": "مصراوي",
    "elwatannews.com": "الوطن",
    "elfagr.org": "الفجر",
    "annahar.com": "النهار",
    "al-akhbar.com": "الأخبار",
    "okaz.com.sa": "عكاظ",
    "alriyadh.com": "الرياض",
    "albayan.ae": "البيان",
    "alkhaleej.ae": "الخليج",
    "alittihad.ae": "الاتحاد",
    "raya.com": "الراية",
    "alqabas.com": "القبس",
    "addustour.com": "الدستور",
    "alghad.com": "الغد",
    "hespress.com": "هسبريس",
    "eremnews.com": "إرم نيوز",
    "enabbaladi.net": "عنب بلدي",
    "syria.tv": "تلفزيون سوريا",
    "arabi21.com": "عربي 21",
    "aa.com.tr/ar": "الأناضول",
    "spa.gov.sa": "واس",
    "wam.ae": "وام",
    "qna.org.qa": "وكالة الأنباء القطرية",
    "petra.gov.jo": "بترا",
    "kuna.net.kw": "كونا",
    "ina.iq": "وكالة الأنباء العراقية",
    "irna.ir": "إرنا",
    "tasnimnews.com": "تسنيم",
    "mehrnews.com": "مهر",
    "sana.sy": "سانا",
    "alalam.ir": "قناة العالم",
    "independentarabia.com": "اندبندنت عربية",
}


def site_outlet(url: str) -> str | None:
    """The well-known outlet whose site ``url`` is on (``https://www.aljazeera.net/news/…``
    -> ``الجزيرة نت``), else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path.lower()
    best: tuple[int, str] | None = None
    for site, outlet in KNOWN_SITES.items():
        domain, _, under = site.partition("/")
        if host != domain and not host.endswith("." + domain):
            continue
        if under and path != "/" + under and not path.startswith(f"/{under}/"):
            continue
        if best is None or len(site) > best[0]:  # gate.ahram.org.eg over ahram.org.eg
            best = (len(site), outlet)
    return None if best is None else best[1]


def same_outlet(first: str, second: str) -> bool:
    """Do two names name one well-known outlet (``DW عربية``, ``دويتشه فيله``)?"""
    english = _WELL_KNOWN.english(first)
    return english is not None and english == _WELL_KNOWN.english(second)
