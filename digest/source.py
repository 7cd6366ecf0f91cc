"""Read article files from the content folder.

An article is a ``.txt`` file (raw scraped text) or a ``.md`` file with optional YAML
front matter (``title``, ``date``, ``source``, ``url``, ``lang``, ``story``). Beside an
article ``NAME.txt`` or ``NAME.md`` an editor may put:

* ``NAME.yaml``: metadata that overrides what the cleaner finds (same keys as front matter);
* ``NAME.en.md``: a human English translation that replaces the machine translation.

Files that cannot be read become :class:`ContentError` values, never exceptions, so one
bad file does not stop the rest of the build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from stat import S_ISBLK, S_ISCHR, S_ISDIR, S_ISFIFO, S_ISREG, S_ISSOCK
from typing import Any, ClassVar
from urllib.parse import urlsplit

import yaml

from digest.article import SourceFile
from digest.dates import written_date
from digest.normalize import (
    ARABIC_LETTERS,
    LINE_END_CONTROLS,
    NOT_TEXT,
    arabic_outnumbers_latin,
)

ARTICLE_SUFFIXES = (".txt", ".md")
TRANSLATION_SUFFIX = ".en.md"
META_SUFFIXES = (".yaml", ".yml")
SIDECAR_SUFFIXES = (TRANSLATION_SUFFIX, *META_SUFFIXES)
KNOWN_KEYS = {"title", "date", "source", "url", "lang", "story", "outlet"}


@dataclass(frozen=True)
class ContentError:
    """A content file that could not be used, and why (shown to the editor)."""

    path: str
    message: str

    def __str__(self) -> str:
        if self.message.startswith(f"{self.path}: "):  # the message names the file already
            return self.message
        return f"{self.path}: {self.message}"


class FrontMatterError(ValueError):
    """Front matter or a metadata sidecar is not valid."""


class WebPageError(ValueError):
    """A web page (HTML) saved under an article's name: its markup is no article text."""


# How a web page starts: its doctype or <html>, after an XML declaration or comments (a
# browser's "saved from url=" note) if any.
_WEB_PAGE = re.compile(
    r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
WEB_PAGE = "a web page (HTML), not text: save the page as text, or copy its text into the file"


# emacs's lock link (.#name), Word's lock file (~$name); emacs's autosave is #name#, so
# "#عاجل.txt" is an article
_TEMP_PREFIXES = (".#", "~$")
_TEMP_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload", ".bak")
_TEMP_SUFFIXES += ("___jb_tmp___", "___jb_old___", ".kate-swp")
_SED_TEMP = re.compile(r"sed[A-Za-z0-9]{6}")  # `sed -i` writes one beside the file it edits


def is_editor_temp(name: str) -> bool:
    """Editor temp, swap and backup files (vim, emacs, JetBrains, Kate, browsers, sed)."""
    return (
        name.startswith(_TEMP_PREFIXES)
        or (len(name) > 1 and name.startswith("#") and name.endswith("#"))
        or name.endswith(_TEMP_SUFFIXES)
        or name == "4913"  # vim's test write
        or _SED_TEMP.fullmatch(name) is not None
    )


# Files an operating system leaves in folders it has shown (Finder, Explorer).
SYSTEM_FILES = frozenset({".DS_Store", "._.DS_Store", "Thumbs.db", "ehthumbs.db", "desktop.ini"})


def is_stray_file(name: str) -> bool:
    """An editor's temp file or an operating system's folder file: never published."""
    return is_editor_temp(name) or name in SYSTEM_FILES


def is_ignored_name(name: str) -> bool:
    """Hidden files and editor temp files: never content, and editing them edits nothing."""
    return name.startswith(".") or is_editor_temp(name)


def is_ignored_path(path: str) -> bool:
    """A content path (``2025/news.md``) that is hidden or a temp file, or inside a hidden
    folder (``.git/``, ``.obsidian/``): never content."""
    return any(is_ignored_name(part) for part in path.split("/"))


def is_article_file(path: Path | str) -> bool:
    """True for files that are articles (not sidecars, hidden or editor temp files); a
    ``str`` is a content path such as ``2025/news.md`` (not in a hidden folder either)."""
    if isinstance(path, str):
        if is_ignored_path(path):
            return False
        name = path.rsplit("/", 1)[-1]
    else:
        name = path.name
        if is_ignored_name(name):
            return False
    if name.lower().endswith(TRANSLATION_SUFFIX):  # b.EN.md is a misnamed sidecar
        return False
    return name.endswith(ARTICLE_SUFFIXES)


def sidecar_stem(path: str) -> str | None:
    """``NAME`` of a sidecar path (``NAME.yaml``, ``NAME.yml``, ``NAME.en.md``), else None."""
    return next((path[: -len(s)] for s in SIDECAR_SUFFIXES if path.endswith(s)), None)


@lru_cache(maxsize=4)  # a preview asks again on every rebuild, mostly of the same files
def content_warnings(paths: frozenset[str]) -> tuple[str, ...]:
    """What is odd about these content paths: no article at all; files named almost like
    articles or sidecars (``a.TXT``, ``b.markdown``, ``c.html``, ``d.EN.md``: nothing reads
    them; images and other files are left alone); a sidecar (``NAME.yaml``, ``NAME.yml``,
    ``NAME.en.md``) with no article ``NAME.txt`` or ``NAME.md`` beside it (nothing uses it);
    articles that share a ``NAME`` (its sidecars apply to both); and a ``NAME.yml`` beside
    a ``NAME.yaml`` (only the ``.yaml`` is read). Hidden files and
    folders (``.git/``) are not content and never named."""
    names = sorted(p for p in paths if not is_ignored_path(p))
    articles: dict[str, list[str]] = {}
    for path in names:
        if is_article_file(path):
            articles.setdefault(path.rsplit(".", 1)[0], []).append(path)
    warnings = []
    if not articles:
        warnings.append("the content folder has no articles (NAME.txt or NAME.md files)")
    for path in names:
        if (stem := sidecar_stem(path)) is not None:
            if stem not in articles:
                warnings.append(
                    f"{path} is ignored: there is no article {stem}.txt or {stem}.md beside it"
                )
        elif not is_article_file(path) and (misnamed := _misnamed(path)):
            warnings.append(misnamed)
    for stem, group in articles.items():
        if len(group) > 1:
            warnings.append(
                f"{' and '.join(group)} share a name: a sidecar ({stem}.yaml, {stem}.en.md) "
                "applies to each of them; rename one"
            )
        metas = [stem + suffix for suffix in META_SUFFIXES if stem + suffix in paths]
        if len(metas) > 1:  # the first is read
            warnings.append(f"{metas[1]} is ignored: {metas[0]} beside it is read; merge them")
    alike: dict[str, list[str]] = {}  # names one file on macOS or Windows
    for path in names:
        alike.setdefault(unicodedata.normalize("NFC", path).casefold(), []).append(path)
    for group in alike.values():
        if len(group) > 1:
            warnings.append(
                f"{' and '.join(map(repr, group))} differ only in capitals or in how their "
                "letters are encoded: on macOS or Windows they are one file; rename one"
            )
    return tuple(warnings)


# Other suffixes of files meant as articles (case aside, as for any suffix digest reads).
_RENAMES = {".markdown": ".md", ".mdown": ".md", ".text": ".txt"}
_WEB_PAGES = (".html", ".htm")


def _misnamed(path: str) -> str | None:
    """Why a file that looks meant as an article or a sidecar is ignored, and the name
    that would make it one (``a.TXT`` -> ``a.txt``, ``d.EN.md`` -> ``d.en.md``); None for
    other files (images and such)."""
    if path.lower().endswith(TRANSLATION_SUFFIX):
        return f"{path} is ignored: name an English translation {path[:-6]}{TRANSLATION_SUFFIX}"
    stem, dot, suffix = path.rpartition(".")
    wanted = _RENAMES.get("." + suffix.lower(), "." + suffix.lower())
    if dot and "/" not in suffix and wanted in (*ARTICLE_SUFFIXES, *META_SUFFIXES):
        return f"{path} is ignored: rename it to {stem}{wanted}"
    if path.lower().endswith(_WEB_PAGES):
        return f"{path} is ignored: digest reads articles as .txt or .md (save the page as text)"
    return None


def link_warnings(content_dir: Path, unread: Mapping[str, tuple[str, Any]]) -> tuple[str, ...]:
    """Entries of the content folder that give no articles (``unread``: path -> why, as
    :class:`digest.incremental.InputStamp` keeps them, hidden and temp names left out): a
    link to a folder (digest reads no linked folder: ``digest serve`` could not watch it),
    and an article or sidecar that is a link to nothing, a link in a loop, or no regular
    file (a FIFO, socket or device: never opened, as reading one may wait forever). A
    linked file is read as any other."""
    warnings: list[str] = []
    for rel, (kind, *_) in unread.items():
        path = content_dir / rel
        if kind.startswith("closed: "):  # a folder that may not be read
            warnings.append(
                f"{rel} cannot be read ({kind.removeprefix('closed: ')}): the articles in it "
                "are left out; check the folder's permissions"
            )
        elif kind == "folder":
            warnings.append(
                f"{rel} is a link to a folder, which digest does not read: move or copy "
                f"its articles into {content_dir.name}/"
            )
        elif not (is_article_file(rel) or rel.endswith(SIDECAR_SUFFIXES)):
            continue
        elif kind == "special":
            warnings.append(
                f"{rel} is not a regular file ({_special_kind(path)}): digest does not read it"
            )
        elif kind == "missing":
            warnings.append(f"{rel} is a link to {_target(path)}, which does not exist")
        elif kind == "loop":
            warnings.append(f"{rel} is a link to {_target(path)}: a loop of links, no file")
        else:
            warnings.append(f"{rel} is a link to {_target(path)}, which cannot be read")
    return tuple(sorted(warnings))


def _target(link: Path) -> str:
    try:
        return os.readlink(link)
    except OSError:  # no longer a link
        return "?"


def _special_kind(path: Path) -> str:
    """What a file that is neither a regular file nor a folder is, in an editor's words."""
    try:
        mode = path.stat().st_mode
    except OSError:  # gone meanwhile
        return "a special file"
    return _kind_of(mode)


def _kind_of(mode: int) -> str:
    if S_ISFIFO(mode):
        return "a named pipe"
    if S_ISSOCK(mode):
        return "a socket"
    if S_ISDIR(mode):
        return "a folder"
    return "a device" if S_ISCHR(mode) or S_ISBLK(mode) else "a special file"


class NotRegularFileError(OSError):
    """A content file turned out to be no regular file (a FIFO, a device) when opened."""


def _read_regular(path: Path) -> bytes:
    """The bytes of a regular file. Anything else is a :class:`NotRegularFileError`, found
    without waiting: a FIFO opened for reading without ``O_NONBLOCK`` waits for a writer."""
    with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not S_ISREG(mode):
            raise NotRegularFileError(
                f"not a regular file ({_kind_of(mode)}): digest does not read it"
            )
        return handle.read()


def article_files(content_dir: Path) -> list[Path]:
    """All article files below ``content_dir``, in a stable order."""
    return sorted(
        (
            p
            for p in content_dir.rglob("*")
            if p.is_file() and is_article_file(p.relative_to(content_dir).as_posix())
        ),
        key=lambda p: p.relative_to(content_dir).as_posix(),
    )


_NOT_TEXT = re.compile(NOT_TEXT)  # (dropped from an article's text)
_LINE_ENDS = re.compile(f"\r\n?|{LINE_END_CONTROLS}")
# Bytes of the control characters in UTF-8 (all but tab and newline): most files have
# none, and bytes.translate finds them many times faster than a regex.
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])


def _decode(data: bytes) -> str:
    """UTF-8 text (without a byte-order mark) with ``\\n`` line ends and no control
    characters. Raises ``UnicodeDecodeError``, also for binary data (:func:`_binary_kind`)
    and UTF-16 without a byte-order mark, which can be valid UTF-8."""
    if _binary_kind(data) is not None or (b"\0" in data and _utf16_hint(data)):
        at = max(data.find(b"\0"), 0)
        raise UnicodeDecodeError("utf-8", data, at, at + 1, "binary data, not text")
    text = data.decode("utf-8-sig")
    controls = len(data.translate(None, _CONTROL_BYTES)) != len(data)
    if controls or "\x85" in text:
        text = _LINE_ENDS.sub("\n", text)
    if controls or b"\xc2" in data or b"\xef" in data:  # C1 controls, noncharacters
        text = _NOT_TEXT.sub("", text)
    return text


def _check_meta(meta: Any, where: str) -> dict[str, Any]:
    if meta is None:
        return {}
    if not isinstance(meta, dict):
        raise FrontMatterError(f"{where} must be a mapping of keys to values")
    out: dict[str, Any] = {}
    problems: list[str] = []  # every mistake at once: an editor fixes them in one go
    for key, value in meta.items():
        key = str(key)
        try:
            out[key] = _meta_value(key, value, where)
        except FrontMatterError as exc:
            problems.append(str(exc))
    if out.get("source") and out.get("outlet") and out["source"] != out["outlet"]:
        problems.append(
            f"{where} gives source {out['source']!r} and outlet {out['outlet']!r}: they are "
            "one key (the outlet), give one"
        )
    if problems:
        raise FrontMatterError("; ".join(problems))
    if "source" in out:  # one name, so that a NAME.yaml's outlet overrides either
        source = out.pop("source")
        out["outlet"] = out.get("outlet") or source
    return out


def _meta_value(key: str, value: Any, where: str) -> Any:
    """One front matter value as digest uses it; a :class:`FrontMatterError` if unusable."""
    if key not in KNOWN_KEYS:
        raise FrontMatterError(
            f"{where} has unknown key {key!r} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    if key == "date":
        return parse_meta_date(value, where)
    if isinstance(value, (list, dict, bool)):  # e.g. title: [a, b]
        kind = "yes/no" if isinstance(value, bool) else type(value).__name__
        raise FrontMatterError(f"{where}: {key} must be text, not a {kind} ({value!r})")
    if value is not None:
        value = str(value).strip()  # text, or a number such as an outlet called 24
    if key == "url" and value:
        _check_url(value, where)
    return value


def _check_url(url: str, where: str) -> None:
    """The report's address is a link on its story page: only an http(s) address with a
    host is one (not ``javascript:``, nor a relative path that leads nowhere)."""
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not re.search(r"\s", url):
        return
    hint = ""
    if not parts.scheme and re.match(r"[\w-]+(\.[\w-]+)+(/|$)", url):
        hint = f": write https://{url}"
    raise FrontMatterError(f"{where}: url must be the report's http(s) address, not {url!r}{hint}")


def parse_meta_date(value: Any, where: str = "front matter") -> dt.date | None:
    """Accept a YAML date, a datetime, an ISO ``YYYY-MM-DD`` string, or a date written
    with the month's name as reports write it (``4 مارس 2025``: see
    :func:`~digest.dates.written_date`). A date in digits only other than ISO's
    (``04/03/2025``) is refused: it is the 4th of March or the 3rd of April."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    found = _DATE_START.match(text)  # what YAML reads as a date: 2025-01-05, 2025-1-5 10:00
    if found is None:
        try:
            written = written_date(text)
        except ValueError as exc:
            raise FrontMatterError(f"{where}: date {text!r} does not exist ({exc})") from None
        if written is not None:
            return written
        try:
            return dt.date.fromisoformat(text[:10])  # ISO's other forms, such as 20250105
        except ValueError:
            raise FrontMatterError(
                f"{where}: date {text!r} is not YYYY-MM-DD (nor a day, a month's name and a "
                "year, as in 4 مارس 2025)"
            ) from None
    try:
        return dt.date(*map(int, found.groups()))
    except ValueError as exc:  # the form is right, the day is not
        raise FrontMatterError(f"{where}: date {text!r} does not exist ({exc})") from None


_DATE_START = re.compile(r"(\d{4})-(\d\d?)-(\d\d?)(?!\d)")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split ``---``-delimited YAML front matter from a Markdown text."""
    block, rest, line = _front_matter_block(text)
    if block is None:
        return {}, text
    return _check_meta(load_yaml(block, "front matter", first_line=line), "front matter"), rest


def _editors_front_matter(text: str) -> tuple[dict[str, Any], str] | None:
    """Front matter an editor put atop a ``.txt`` (a mapping of digest's keys) and the rest;
    None when the text has none, or when its ``---`` lines are a scraped page's own.
    Raises :class:`FrontMatterError` for a block that cannot be read but opens with one of
    digest's keys (``title: عاجل: …``, a closing ``---`` left out): the editor's, with a
    mistake (read as the page's text, its first line was the headline)."""
    try:
        block, rest, line = _front_matter_block(text)
        meta = None if block is None else load_yaml(block, "front matter", first_line=line)
    except FrontMatterError:
        if _opens_with_a_key(text):
            raise
        return None
    if not isinstance(meta, dict) or not meta or not {str(key) for key in meta} <= KNOWN_KEYS:
        return None
    return _check_meta(meta, "front matter"), rest


_KEY_LINE = re.compile(rf"(?:{'|'.join(sorted(KNOWN_KEYS))})[ \t]*:")


def _opens_with_a_key(text: str) -> bool:
    """Does the text open with ``---`` and then a line that gives one of digest's keys?"""
    opening = FRONT_MATTER_OPEN.match(text)
    if opening is None:
        return False
    first = next((ln for ln in text[opening.end() :].splitlines() if ln.strip()), "")
    return _KEY_LINE.match(first.strip()) is not None


# A line of three dashes (spaces after them are invisible, so allowed) opens and closes it;
# blank lines before it are invisible too.
FRONT_MATTER_OPEN = re.compile(r"(?:[ \t]*\n)*---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^---[ \t]*(?:\n|\Z)", re.MULTILINE)
# Hugo's TOML front matter, between lines of +++
_TOML_FRONT_MATTER = re.compile(r"(?:[ \t]*\n)*\+\+\+[ \t]*\n.*?^\+\+\+[ \t]*$", re.DOTALL | re.M)


def _front_matter_block(text: str) -> tuple[str | None, str, int]:
    """The front matter block of a Markdown text (None: it has none), the rest, and the
    line of the file that the block starts on."""
    opening = FRONT_MATTER_OPEN.match(text)
    if opening is None:
        if _TOML_FRONT_MATTER.match(text):
            raise FrontMatterError(
                "front matter between '+++' lines is TOML, which digest does not read: "
                "write it as YAML between '---' lines (title: ...)"
            )
        return None, text, 0
    closing = _FRONT_MATTER_CLOSE.search(text, opening.end())
    if closing is None:
        raise FrontMatterError("front matter starts with '---' but has no closing '---'")
    line = text.count("\n", 0, opening.end()) + 1
    return text[opening.end() : closing.start()], text[closing.end() :], line


# libyaml's safe loader when PyYAML was built with it (several times faster), else Python's.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class Translation:
    """An editor's English translation (``NAME.en.md``): its title (None: the machine's),
    its Markdown body (empty: the machine's), and what is wrong with it, for warnings;
    ``unread``: its front matter could not be read, so none of it is used."""

    title: str | None
    body: str
    problems: tuple[str, ...] = ()
    unread: bool = False

    @property
    def has_text(self) -> bool:
        """Has it a text of its own (else the English page shows the machine's)?"""
        return bool(self.body.strip())


TRANSLATION_KEYS = ("title",)  # what a translation's front matter may hold
MACHINE_INSTEAD = "the English page shows the machine translation instead"


@lru_cache(maxsize=16384)  # asked by cleaning, translation and rendering: each sidecar once
def read_translation(text: str) -> Translation:
    """Read an English sidecar. Front matter that cannot be read leaves the whole file
    unused (its YAML would show as text otherwise); an unknown key, or a title that is not
    text, is left out; each is a problem to report."""
    try:
        block, body, line = _front_matter_block(text)
        meta = {} if block is None else load_yaml(block, "front matter", first_line=line)
    except FrontMatterError as exc:
        return Translation(None, "", (f"{exc}; {MACHINE_INSTEAD}",), unread=True)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problem = "front matter must be a mapping of keys to values (title: ...)"
        return Translation(None, "", (f"{problem}; {MACHINE_INSTEAD}",), unread=True)
    problems = [
        f"front matter has unknown key {str(key)!r} (a translation's has only title): left out"
        for key in meta
        if str(key) not in TRANSLATION_KEYS
    ]
    title = meta.get("title")
    if isinstance(title, (list, dict, bool)):  # e.g. title: [a, b]
        problems.append(f"title must be text, not {title!r}: left out")
        title = None
    title = str(title).strip() if title is not None else ""
    text = f"{title}\n{body}"  # the article pasted, or its .md saved as .en.md:
    if _ARABIC.search(text) and arabic_outnumbers_latin(text):
        problem = "is in Arabic, not English (most of its letters are Arabic)"
        return Translation(None, "", (f"{problem}; {MACHINE_INSTEAD}",), unread=True)
    return Translation(title or None, body, tuple(problems))


_ARABIC = re.compile(ARABIC_LETTERS)


def usable_translation(text: str | None) -> bool:
    """Does this English sidecar give the English page anything (a title or a text)?"""
    if text is None:
        return False
    translation = read_translation(text)
    return bool(translation.title or translation.has_text)


def english_sidecar(text: str) -> tuple[str | None, str]:
    """Title (None: none) and Markdown body (empty: none) of an editor's English
    translation (``NAME.en.md``); see :func:`read_translation`."""
    translation = read_translation(text)
    return translation.title, translation.body


class _KeyTwice(yaml.constructor.ConstructorError):
    """A mapping gives a key twice: the key is the context, at its first line."""


class _MetaLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, with dates left as text: :func:`parse_meta_date` reads them, so
    that an impossible date is reported with its key."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, Any]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in _SAFE_LOADER.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A mapping, refused when a key is given twice (YAML would keep the last silently:
        two ``title:`` lines, one pasted over the other, leave which was meant unknown)."""
        first_seen: dict[str, yaml.Mark] = {}
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in first_seen:
                    raise _KeyTwice(key.value, first_seen[key.value], "twice", key.start_mark)
                first_seen[key.value] = key.start_mark
        return super().construct_mapping(node, deep=deep)

    def construct_text(self, node: yaml.ScalarNode) -> str:
        """A string without the characters :func:`_decode` drops from a file: a scraper that
        writes front matter with PyYAML writes a scraped title's as escapes (``"\\x01"``),
        which would come back here and make the feeds invalid XML."""
        text = self.construct_scalar(node)
        if _NOT_TEXT.search(text) or _LINE_ENDS.search(text):
            text = _NOT_TEXT.sub("", _LINE_ENDS.sub("\n", text))
        return text


_MetaLoader.add_constructor("tag:yaml.org,2002:str", _MetaLoader.construct_text)


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> str:
    """`` at line N: what is wrong`` in file lines, in an editor's words for the usual
    mistakes: a quote never closed (YAML finds that at the end of the text, so the line is
    where the quote opened, or a later line where the next quote closes it), a quote inside
    a quoted value, and a colon inside an unquoted value."""
    last = text.rstrip("\n").count("\n")  # libyaml puts an error at the end past the last line

    def at(mark: yaml.Mark | None) -> str:
        return f" at line {min(mark.line, last) + first_line}" if mark else ""

    problem = exc.problem or ""
    if isinstance(exc, _KeyTwice):
        first = at(exc.context_mark)
        return f"{at(exc.problem_mark)}: {exc.context} is given twice (also{first}): keep one"
    if "quoted scalar" in (exc.context or "") and "end of stream" in problem:
        return f"{at(exc.context_mark)}: a quote opened there is never closed"
    ran_on = exc.context_mark and exc.problem_mark and exc.problem_mark.line > exc.context_mark.line
    if ran_on and ("flow sequence" in (exc.context or "") or "flow mapping" in (exc.context or "")):
        bracket, kind = ("[", "list") if "sequence" in (exc.context or "") else ("{", "mapping")
        return (
            f"{at(exc.context_mark)}: a value starting with {bracket} is read as a {kind} "
            "that is never closed (put the whole value in quotes)"
        )
    if "mapping values are not allowed" in problem:
        return (
            f"{at(exc.problem_mark)}: a value holds ': ' (put the whole value in quotes) "
            "or the line is indented"
        )
    if "expected key" in problem or "expected <block end>" in problem:
        return (
            f"{at(exc.problem_mark)}: {problem}; check the quotes on this line and the "
            "lines above (a quote inside a quoted value ends it: write '' for ' or use the "
            "other quote)"
        )
    return f"{at(exc.problem_mark or exc.context_mark)}: {problem}"


def load_yaml(text: str, where: str, first_line: int = 1) -> Any:
    """Parse YAML, turning every failure (syntax, or a value such as date 2025-02-30 that
    cannot exist) into a :class:`FrontMatterError` that says where, in file lines."""
    try:
        return yaml.load(text, Loader=_MetaLoader)  # a safe loader (no Python objects)
    except yaml.MarkedYAMLError as exc:
        problem = _yaml_problem(exc, text, first_line)
        raise FrontMatterError(f"{where} is not valid YAML{problem}") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"{where} is not valid YAML: {exc}") from None
    except ValueError as exc:  # raised by YAML's constructors, e.g. for impossible dates
        raise FrontMatterError(f"{where} has a value that cannot be used: {exc}") from None


def _sidecar(path: Path, suffixes: tuple[str, ...]) -> Path | None:
    stem = path.name[: -len(path.suffix)]
    for suffix in suffixes:
        candidate = path.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def _read_sidecar(path: Path) -> tuple[bytes, str]:
    """A sidecar's bytes and text; one that is not UTF-8 text is a :class:`FrontMatterError`
    that names it (the error is reported under its article's name)."""
    try:
        raw = _read_regular(path)
    except NotRegularFileError as exc:
        raise FrontMatterError(f"{path.name}: {exc}") from None
    try:
        return raw, _decode(raw)
    except UnicodeDecodeError as exc:
        raise FrontMatterError(f"{path.name}: {_undecodable(exc, 'file')}") from None


def read_source(path: Path, content_dir: Path) -> SourceFile:
    """Read one article and its sidecars. Raises ``UnicodeDecodeError``,
    :class:`FrontMatterError` or :class:`WebPageError`."""
    rel = path.relative_to(content_dir).as_posix()
    data = _read_regular(path)
    digest = hashlib.sha256(data)
    text = _decode(data)
    if _WEB_PAGE.match(text):
        raise WebPageError(WEB_PAGE)
    fmt = "md" if path.suffix == ".md" else "txt"
    meta: dict[str, Any] = {}
    front_matter = fmt == "md" and FRONT_MATTER_OPEN.match(text) is not None
    if fmt == "md":
        meta, text = split_front_matter(text)
    elif (editors := _editors_front_matter(text)) is not None:
        meta, text = editors
        front_matter = True
    meta_file = _sidecar(path, META_SUFFIXES)
    if meta_file is not None:
        raw, meta_text = _read_sidecar(meta_file)
        digest.update(b"\0meta\0" + raw)
        sidecar = load_yaml(meta_text, meta_file.name)
        meta = {**meta, **_check_meta(sidecar, meta_file.name)}
    english = english_problem = None
    en_file = _sidecar(path, (TRANSLATION_SUFFIX,))
    if en_file is not None:  # one that is not text is reported, and the article still built
        try:
            raw = _read_regular(en_file)
        except OSError as exc:  # not readable (its permissions): reported the same way
            english_problem = f"cannot be read ({(exc.strerror or str(exc)).lower()})"
            digest.update(b"\0en-unreadable\0")
        else:
            digest.update(b"\0en\0" + raw)
            try:
                english = _decode(raw)
            except UnicodeDecodeError as exc:
                english_problem = _undecodable(exc, "file")
            if english is not None and _WEB_PAGE.match(english):
                english, english_problem = None, WEB_PAGE
    return SourceFile(
        path=rel,
        text=text,
        format=fmt,
        meta=meta,
        fingerprint=digest.hexdigest(),
        english=english,
        english_problem=english_problem,
        front_matter=front_matter,
    )


_ARABIC_LETTER = re.compile("[\u0621-\u064a]")


# How binary files that get named .txt or .md start, and what they are.
_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"RIFF": "a WebP image, or WAV or AVI media",
    b"%PDF-": "a PDF document",
    b"PK\x03\x04": "a zip archive, such as a Word .docx file",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Word .doc or other Office file",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
}


def _signature(data: bytes) -> str | None:
    """The binary format the bytes start like (``a PNG image``), if any."""
    return next((kind for sig, kind in _SIGNATURES.items() if data.startswith(sig)), None)


def _binary_kind(data: bytes) -> str | None:
    """``binary data, looks like a PNG image`` for a file that starts like a known binary
    format and holds NUL bytes or is not UTF-8; ``binary data`` for one with more NUL bytes
    than one in a hundred (UTF-16 too: :func:`_utf16_hint` tells it apart); None for text,
    in UTF-8 or another encoding."""
    kind = _signature(data)
    nuls = data.count(0)
    if kind is not None:
        return f"binary data, looks like {kind}" if nuls or not _is_utf8(data) else None
    # text keeps a stray NUL or two (UTF-8 drops them, as other control characters)
    return "binary data" if nuls > len(data) // 100 + 1 else None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _utf16_hint(data: bytes) -> str | None:
    """Why the bytes are UTF-16 (Notepad's "Unicode"): its byte-order mark, or without one,
    the bytes of Arabic and Latin text in UTF-16: every other byte 0 or 6 (the high byte of
    ASCII and of Arabic letters), some 0, and the bytes between them hardly ever 0."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "it is UTF-16: it starts with UTF-16's byte-order mark"
    if len(data) % 2 or b"\0" not in data:
        return None
    even, odd = data[0::2], data[1::2]
    little_endian = odd.count(0) > even.count(0)
    high, low = (odd, even) if little_endian else (even, odd)
    if (high.count(0) + high.count(6)) * 10 < len(high) * 9 or low.count(0) * 10 > len(low):
        return None
    try:
        data.decode("utf-16-le" if little_endian else "utf-16-be")
    except UnicodeDecodeError:
        return None
    return "it reads as UTF-16 without a byte-order mark"


def _encoding_hint(exc: UnicodeDecodeError) -> str:
    """Which encoding the bytes seem to be in, when that can be told: UTF-16
    (:func:`_utf16_hint`), Windows-1256 (Arabic Windows) when the letters beyond ASCII
    read as mostly Arabic in it; else where the first byte that is not UTF-8 is."""
    data = exc.object if isinstance(exc.object, bytes) else b""
    utf16 = _utf16_hint(data)
    if utf16 is not None:
        return utf16
    if not data[: exc.start].isascii():  # UTF-8 letters before it: a stray byte in UTF-8
        return f"invalid byte at offset {exc.start}"
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    letters = sum(ch.isalpha() and not ch.isascii() for ch in text)  # (keys are ASCII)
    if letters and len(_ARABIC_LETTER.findall(text)) * 2 > letters:
        return f"invalid byte at offset {exc.start}; it reads as Windows-1256 (Arabic Windows)"
    return f"invalid byte at offset {exc.start}"


def _undecodable(exc: UnicodeDecodeError, what: str = "article") -> str:
    """What is wrong with a file that is not UTF-8 text, and what to do about it."""
    data = exc.object if isinstance(exc.object, bytes) else b""
    binary = _binary_kind(data)
    if binary is not None and (_signature(data) or _utf16_hint(data) is None):
        return f"not a text {what} ({binary}); move it out of content/"
    if exc.end == len(data) and exc.reason == "unexpected end of data":  # UTF-8 cut short
        return (
            "ends in the middle of a character, as a file cut off while it was saved or "
            "copied does: check its end, save it again in full"
        )
    return f"not UTF-8 text ({_encoding_hint(exc)}); save the file as UTF-8"


def read_error(rel: str, exc: Exception) -> ContentError:
    """What the editor is told about a content file that could not be read."""
    if isinstance(exc, UnicodeDecodeError):
        return ContentError(rel, _undecodable(exc))
    if isinstance(exc, OSError) and exc.strerror:  # not "[Errno 13] ... '/the/full/path'"
        name = Path(exc.filename).name if exc.filename else ""
        which = "" if name in ("", rel.rsplit("/", 1)[-1]) else f"{name} "
        return ContentError(rel, f"{which}cannot be read: {exc.strerror.lower()}")
    return ContentError(rel, str(exc))


def read_sources(content_dir: Path) -> tuple[list[SourceFile], list[ContentError]]:
    """Read every article below ``content_dir``; unreadable files are reported, not raised."""
    if not content_dir.is_dir():
        raise FileNotFoundError(f"content folder {content_dir} does not exist")
    sources: list[SourceFile] = []
    errors: list[ContentError] = []
    for path in article_files(content_dir):
        rel = path.relative_to(content_dir).as_posix()
        try:
            sources.append(read_source(path, content_dir))
        except (UnicodeDecodeError, FrontMatterError, WebPageError, OSError) as exc:
            errors.append(read_error(rel, exc))
    return sources, errors
