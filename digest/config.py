"""Site settings from the optional ``digest.toml`` at the site root."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    outlets: dict[str, str] = field(default_factory=dict)  # Arabic name -> English name

    def absolute(self, path: str) -> str:
        """Absolute URL of a site path such as ``ar/feed.xml``."""
        return self.base_url + path.lstrip("/")


def _per_language(value: Any, key: str, default: dict[str, str]) -> dict[str, str]:
    if isinstance(value, str):
        return {lang: value for lang in LANGS}
    if not isinstance(value, dict):
        raise ConfigError(f"digest.toml: {key} must be a string or a table with ar and en")
    unknown = set(value) - set(LANGS)
    if unknown:
        raise ConfigError(
            f"digest.toml: {key} has unknown language(s) {sorted(unknown)}; use {list(LANGS)}"
        )
    return {lang: str(value.get(lang, default[lang])) for lang in LANGS}


def _positive_int(data: dict[str, Any], key: str, default: int, where: str) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(f"{where}: {key} must be a positive whole number, got {value!r}")
    return value


def load_config(path: Path) -> SiteConfig:
    """Read ``digest.toml``; a missing file gives the defaults."""
    if not path.is_file():
        return SiteConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name} is not valid TOML: {exc}") from None
    known = {"title", "description", "base_url", "feed_items", "page_size", "search", "outlets"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{path.name}: unknown key(s) {sorted(unknown)}; known: {sorted(known)}")
    base_url = data.get("base_url", DEFAULT_BASE_URL)
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"{path.name}: base_url must be an http(s) URL, got {base_url!r}")
    if not base_url.endswith("/"):
        base_url += "/"
    feed_items = _positive_int(data, "feed_items", 50, path.name)
    page_size = _positive_int(data, "page_size", 30, path.name)
    search = data.get("search", True)
    if not isinstance(search, bool):
        raise ConfigError(f"{path.name}: search must be true or false, got {search!r}")
    outlets = data.get("outlets", {})
    if not isinstance(outlets, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in outlets.items()
    ):
        raise ConfigError(
            f'{path.name}: [outlets] maps Arabic outlet names to English ones, "الفجر" = "El Fagr"'
        )
    return SiteConfig(
        title=_per_language(data.get("title", DEFAULT_TITLE), "title", DEFAULT_TITLE),
        description=_per_language(
            data.get("description", DEFAULT_DESCRIPTION), "description", DEFAULT_DESCRIPTION
        ),
        base_url=base_url,
        base_url_set="base_url" in data,
        feed_items=feed_items,
        page_size=page_size,
        search=search,
        outlets={k: v.strip() for k, v in sorted(outlets.items())},
    )
