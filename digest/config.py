"""Site settings from the optional ``digest.toml`` at the site root."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

from digest.normalize import ARABIC_LETTERS, LINE_END_CONTROLS, NOT_TEXT

DEFAULT_TITLE = {"ar": "الموجز", "en": "The Digest"}
DEFAULT_DESCRIPTION = {
    "ar": "أهم الأخبار من الصحافة العربية، مجمّعة حسب الحدث.",
    "en": "The news from the Arabic press, grouped by event.",
}
DEFAULT_BASE_URL = "http://127.0.0.1:8000/"
LANGS = ("ar", "en")


class ConfigError(ValueError):
    """``digest.toml`` is not valid; the message says which key and why."""


@dataclass(frozen=True)
class SiteConfig:
    """Everything the site can be configured with."""

    title: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TITLE))
    description: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_DESCRIPTION))
    base_url: str = DEFAULT_BASE_URL
    base_url_set: bool = False
    feed_items: int = 50
    page_size: int = 30  # stories on a front page and on each page of an outlet's stories
    search: bool = True  # build the Pagefind search bundle and the search pages
    # Arabic pages write the numbers digest writes (dates, counts, page numbers) in
    # Arabic-Indic digits (١٧ يناير ٢٠٢٥); the reports' own text stays as written
    indic_digits: bool = False
    outlets: dict[str, str] = field(default_factory=dict)  # Arabic name -> English name
    notes: tuple[str, ...] = ()  # warnings about settings that work but likely not as meant

    def absolute(self, path: str) -> str:
        """Absolute URL of a site path such as ``ar/feed.xml``."""
        return self.base_url + path.lstrip("/")


def _described(value: Any) -> str:
    """A TOML value and its type, for an error: ``5 (an integer)``."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a true/false value)"
    if isinstance(value, dict):
        return "a table"
    kinds = [(int, "an integer"), (float, "a number"), (list, "a list")]
    kinds += [(dt.datetime, "a date and time"), (dt.date, "a date"), (dt.time, "a time")]
    kind = next((name for cls, name in kinds if isinstance(value, cls)), type(value).__name__)
    shown = value.isoformat() if isinstance(value, (dt.date, dt.time)) else repr(value)
    return f"{shown} ({kind})"


# What feeds and pages cannot hold, and line ends a setting's text cannot have: TOML's
# escapes (\u0001) give them.
_NOT_TEXT = re.compile(f"{NOT_TEXT}|{LINE_END_CONTROLS}")


def _check_text(text: str, key: str, where: str) -> str:
    """``text``, refused if it holds a character that would make the feeds invalid XML."""
    if found := _NOT_TEXT.search(text):
        raise ConfigError(
            f"{where}: {key} holds a control character (U+{ord(found[0]):04X}), which feeds "
            "and pages cannot hold: remove it"
        )
    return text


def _per_language(value: Any, key: str, default: dict[str, str], where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {lang: _check_text(value, key, where) for lang in LANGS}
    if not isinstance(value, dict):
        raise ConfigError(
            f"{where}: {key} must be text or a table with ar and en, not {_described(value)}"
        )
    unknown = set(value) - set(LANGS)
    if unknown:
        raise ConfigError(
            f"{where}: {key} has unknown language(s) {sorted(unknown)}; use {list(LANGS)}"
        )
    for lang, text in value.items():
        if not isinstance(text, str):
            raise ConfigError(f"{where}: {key}.{lang} must be text, not {_described(text)}")
        _check_text(text, f"{key}.{lang}", where)
    return {lang: value.get(lang, default[lang]) for lang in LANGS}


def _outlets(value: Any, where: str) -> dict[str, str]:
    """``[outlets]``: Arabic outlet names to English ones, each English name some text."""
    usage = f'{where}: [outlets] maps Arabic outlet names to English ones, "الفجر" = "El Fagr"'
    if not isinstance(value, dict):
        raise ConfigError(f"{usage}; it is {_described(value)}")
    for name, english in value.items():
        if not isinstance(english, str):
            raise ConfigError(f'{usage}; outlets."{name}" must be text, not {_described(english)}')
        if not english.strip():
            raise ConfigError(f'{usage}; outlets."{name}" is empty')
        _check_text(name, "outlets", where)
        _check_text(english, f'outlets."{name}"', where)
    return {k: v.strip() for k, v in sorted(value.items())}


# File names at the end of a URL's path; a base URL names the site's folder instead.
_FILE_NAME = re.compile(r"[^/]+\.(?:s?html?|xhtml|php\d?|aspx?|jsp|cgi|xml|json|txt)", re.I)


def _base_url(value: Any, where: str) -> str:
    """The site's folder URL, ending in ``/``; a URL that cannot be one is a :class:`ConfigError`
    saying why and the URL to give instead."""
    if not isinstance(value, str) or not value.lower().startswith(("http://", "https://")):
        like = ""
        if isinstance(value, str) and re.match(r"[\w.-]+\.[a-z]{2,}(?::\d+)?(?:/|$)", value, re.I):
            like = f": write it with its scheme, like https://{value}"
        raise ConfigError(f"{where}: base_url must be an http(s) URL, got {value!r}{like}")
    if re.search(r"\s", value):
        raise ConfigError(
            f"{where}: base_url must not contain spaces ({value!r}): remove them, or write "
            "a space in a folder name as %20"
        )
    parts = urlsplit(value)
    if not parts.netloc:
        raise ConfigError(f"{where}: base_url has no host name, got {value!r}")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:  # urllib takes 0 for a port, which no server listens on
        raise ConfigError(f"{where}: base_url's port is no port (1-65535): {value!r}")
    if "@" in parts.netloc:
        raise ConfigError(
            f"{where}: base_url must not hold a user name or password ({value!r}): every "
            "page, feed and the sitemap would publish them; give the site's public address"
        )
    if "\\" in value:
        raise ConfigError(
            f"{where}: base_url has a backslash ({value!r}): URLs separate folders with /"
        )
    host = parts.hostname or ""
    if not (":" in host or not host.isascii() or _HOST.fullmatch(host)):  # IPv6, IDNA aside
        raise ConfigError(f"{where}: base_url's host name {host!r} is not a valid domain name")
    file_name = _FILE_NAME.fullmatch(parts.path.rsplit("/", 1)[-1])
    if "?" in value:
        problem = f"must not have a query (?{parts.query})"
    elif "#" in value:
        problem = f"must not have a fragment (#{parts.fragment})"
    elif file_name is not None:
        problem = f"must name a folder, not a file ({file_name.group()})"
    else:
        url = _as_uri(_normalized(parts), where)
        return url if url.endswith("/") else url + "/"
    folder = parts.path.removesuffix(file_name.group()) if file_name else parts.path
    like = urlunsplit((parts.scheme, parts.netloc, folder.rstrip("/") + "/", "", ""))
    raise ConfigError(f"{where}: base_url {problem}: give the site's folder URL, like {like}")


# A host name: dot-separated labels of letters, digits, hyphens (and underscores, which
# some hosts' names have), none empty nor starting or ending with a hyphen; a final dot
# is allowed.
_HOST = re.compile(r"(?:(?!-)[a-z0-9_-]{1,63}(?<!-)\.)*(?!-)[a-z0-9_-]{1,63}(?<!-)\.?", re.I)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _normalized(parts: SplitResult) -> SplitResult:
    """The URL as the site is reached by it: scheme and host name in lower case (links and
    feed readers compare URLs as strings), no port where it is the scheme's own or empty,
    and a path without empty segments (``//``, which a link from the server's root would
    read as another host) and ``.``/``..`` segments."""
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    segments: list[str] = []
    for segment in parts.path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    path = "/" + "/".join(segments) + ("/" if segments else "")
    return parts._replace(scheme=scheme, netloc=netloc, path=path)


def _as_uri(parts: SplitResult, where: str) -> str:
    """The URL in the ASCII form feeds, sitemaps and link checkers expect: a host name in
    another script in its IDNA form (``xn--``), other characters of the path as UTF-8
    %-escapes (escapes already written are kept)."""
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, host_port = netloc.rpartition("@")
        host, colon, port = host_port.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise ConfigError(
                f"{where}: base_url's host name {host!r} is not a valid domain name"
            ) from None
        netloc = quote(userinfo, safe=":%") + at + host + colon + port
    path = quote(parts.path, safe="/%!$&'()*+,;=:@-._~")
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _positive_int(data: dict[str, Any], key: str, default: int, where: str) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: {key} must be a positive whole number, got {value!r}")
    return value


def _true_or_false(data: dict[str, Any], key: str, default: bool, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key} must be true or false, got {value!r}")
    return value


def load_config(path: Path) -> SiteConfig:
    """Read ``digest.toml``; a missing file gives the defaults."""
    if not path.is_file():
        return SiteConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name} is not valid TOML: {exc}") from None
    known = {
        "title", "description", "base_url", "feed_items", "page_size", "search", "outlets",
        "indic_digits",
    }  # fmt: skip
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path.name}: unknown key(s) {sorted(unknown)}; known: {sorted(known)}")
    for table, value in data.items():  # a setting written below a [table] is in that table
        if isinstance(value, dict) and (strays := sorted(known.intersection(value))):
            raise ConfigError(
                f"{path.name}: {', '.join(strays)} is under [{table}], so it is read as part "
                f"of that table: move it above the first [table] line"
            )
    base_url = _base_url(data.get("base_url", DEFAULT_BASE_URL), path.name)
    feed_items = _positive_int(data, "feed_items", 50, path.name)
    page_size = _positive_int(data, "page_size", 30, path.name)
    search = _true_or_false(data, "search", True, path.name)
    indic_digits = _true_or_false(data, "indic_digits", False, path.name)
    outlets = _outlets(data.get("outlets", {}), path.name)
    notes = tuple(
        f'{path.name}: {key} = "{data[key]}" is one text for both languages, in Arabic '
        f"letters: the English pages and feed show it too; give each language its own, "
        f'[{key}] ar = "..." and en = "..."'
        for key in ("title", "description")
        if isinstance(data.get(key), str) and re.search(ARABIC_LETTERS, data[key])
    )
    return SiteConfig(
        title=_per_language(data.get("title", DEFAULT_TITLE), "title", DEFAULT_TITLE, path.name),
        description=_per_language(
            data.get("description", DEFAULT_DESCRIPTION),
            "description",
            DEFAULT_DESCRIPTION,
            path.name,
        ),
        base_url=base_url,
        base_url_set="base_url" in data,
        feed_items=feed_items,
        page_size=page_size,
        search=search,
        indic_digits=indic_digits,
        outlets=outlets,
        notes=notes,
    )
