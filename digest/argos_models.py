"""Find, install, describe and remove the Arabic→English Argos Translate packages.

Everything goes through ``argostranslate.package``, so Argos's own settings apply: the
packages folder is ``$ARGOS_PACKAGES_DIR`` or ``$XDG_DATA_HOME/argos-translate/packages``
(default ``~/.local/share/argos-translate/packages``). Only ``argostranslate.package`` is
imported here (not ``argostranslate.translate``, which pulls in stanza and torch), except when
installing, where Argos itself needs it.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import os
import shutil
import struct
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

FROM_CODE, TO_CODE = "ar", "en"
REQUIRED_FILES = ("metadata.json", "sentencepiece.model", "model/model.bin")
NO_METADATA = "no metadata.json"  # a folder's problem: not a package
INSTALL_HINT = (
    "No Arabic→English translation model is installed. Install one with\n"
    "    digest model install                      (online, from the Argos index)\n"
    "    digest model install FILE.argosmodel      (offline, from a file)"
)


class ModelError(RuntimeError):
    """A model cannot be found, installed or read; the message says why and what to do."""


@dataclass(frozen=True)
class ModelInfo:
    """An installed ar→en package."""

    path: Path
    name: str  # e.g. "Arabic → English"
    version: str
    size: int  # bytes on disk
    replaced: str | None = None  # the version an install replaced in the same folder

    @property
    def label(self) -> str:
        return f"ar→en {self.version}"


def argos_settings() -> Any:
    """``argostranslate.settings``, which makes Argos's folders when first imported: one
    that cannot be made (``ARGOS_PACKAGES_DIR`` names a file) is a :class:`ModelError`
    naming it, not a traceback."""
    try:
        from argostranslate import settings
    except OSError as exc:
        reason = "a file is in the way" if exc.errno == errno.EEXIST else exc.strerror
        raise ModelError(
            f"Argos Translate cannot make its folder {exc.filename}: {reason} "
            f"({_setting_for(Path(exc.filename or '.'))})"
        ) from None
    return settings


def _setting_for(folder: Path) -> str:
    """Which setting puts the folder that Argos could not make where it is, as a hint:
    Argos makes its data, config, cache and packages folders (in that order) when first
    imported, from these variables, or under the home folder where they are unset."""
    home = Path.home()
    defaults = {
        "XDG_DATA_HOME": home / ".local" / "share",
        "XDG_CONFIG_HOME": home / ".config",
        "XDG_CACHE_HOME": home / ".local" / "cache",
    }
    made = [
        (var, Path(os.environ.get(var) or base) / "argos-translate")
        for var, base in defaults.items()
    ]
    packages = os.environ.get("ARGOS_PACKAGES_DIR")
    made.append(("ARGOS_PACKAGES_DIR", Path(packages) if packages else made[0][1] / "packages"))
    for var, path in made:
        if folder == path or folder in path.parents:
            unset = "" if os.environ.get(var) else f" (unset: the folder is under {home})"
            return f"check {var}{unset}: a folder that exists or that this user can make"
    return "check ARGOS_PACKAGES_DIR, XDG_DATA_HOME, XDG_CONFIG_HOME and XDG_CACHE_HOME"


def packages_dirs() -> list[Path]:
    """The folders Argos searches for installed packages."""
    return [Path(p) for p in argos_settings().package_dirs]


@dataclass(frozen=True)
class PackageFolder:
    """A folder in an Argos packages folder, and what its ``metadata.json`` says it is."""

    path: Path
    kind: str | None  # Argos's package type ("translate", "sbd"); None: unreadable
    from_code: str | None
    to_code: str | None
    version: str | None
    problem: str | None = None  # why it is not a readable package (its metadata.json)

    @functools.cached_property
    def size(self) -> int:
        """Bytes on disk (read when asked: a build looks for its package without)."""
        return folder_size(self.path)

    @property
    def codes(self) -> str:
        return f"{self.from_code or '?'}→{self.to_code or '?'}"

    @property
    def ar_en(self) -> bool:
        """A readable ar→en translation package."""
        return (self.kind, self.from_code, self.to_code) == ("translate", FROM_CODE, TO_CODE)

    @property
    def ours(self) -> bool:
        """Could this be an ar→en translation package? Its metadata says so; or it cannot be
        read and the folder is named like one (``translate-ar_en-1_9``), so that a broken one
        is reported rather than taken for no model. Packages for other languages or
        purposes, readable or not, are left to the tools that use them, and a folder without
        a ``metadata.json`` is no package at all (Argos itself would fail on it)."""
        return self.ar_en or (self.problem not in (None, NO_METADATA) and self._named_ar_en)

    @property
    def removable(self) -> bool:
        """Is this a folder ``digest model remove`` may delete: one of :attr:`ours`, or a
        folder named like an ar→en package that lost its ``metadata.json``?"""
        return self.ours or (self.problem == NO_METADATA and self._named_ar_en)

    @property
    def _named_ar_en(self) -> bool:
        return f"{FROM_CODE}_{TO_CODE}" in self.path.name

    @property
    def sort_key(self) -> tuple[Any, str]:
        """Of two ar→en packages, builds use the one with the greater key."""
        from packaging.version import InvalidVersion, Version

        try:
            version = Version(self.version or "0")
        except InvalidVersion:
            version = Version("0")
        return version, str(self.path)


def package_folders() -> list[PackageFolder]:
    """Every folder in the Argos packages folders (by folder, then name), read or not.
    Hidden folders are left out: Argos names none so, and an install or a remove puts the
    package it replaces or removes aside under a hidden name (see :func:`leftovers`)."""
    folders = []
    for directory in packages_dirs():
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.is_dir() and not path.name.startswith("."):
                folders.append(_read_folder(path))
    return folders


def leftovers() -> list[Path]:
    """Folders an install or a remove that was cut short left aside in the packages
    folders: hidden, never used, safe to delete."""
    return [
        path
        for directory in packages_dirs()
        if directory.is_dir()
        for path in sorted(directory.glob(".*"))
        if path.is_dir() and path.name.endswith((".replaced", ".removing"))
    ]


def _read_folder(path: Path) -> PackageFolder:
    try:
        meta = json.loads((path / "metadata.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PackageFolder(path, None, None, None, None, NO_METADATA)
    except (OSError, ValueError) as exc:
        problem = f"metadata.json cannot be read: {_reason(exc)}"
        return PackageFolder(path, None, None, None, None, problem)
    if not isinstance(meta, dict):
        problem = "metadata.json is not a JSON object"
        return PackageFolder(path, None, None, None, None, problem)
    version = meta.get("package_version")
    return PackageFolder(
        path,
        str(meta.get("type", "translate")),  # Argos's own default
        _text(meta.get("from_code")),
        _text(meta.get("to_code")),
        None if version is None else str(version),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def in_use(folders: list[PackageFolder]) -> PackageFolder | None:
    """The ar→en package among ``folders`` that builds use (the highest version), or None;
    a :class:`ModelError` if one of them cannot be read (builds then use none)."""
    ours = [folder for folder in folders if folder.ours]
    for folder in ours:
        if folder.problem is not None:
            raise ModelError(
                f"cannot read Argos package {folder.path}: {folder.problem}; no model is "
                "used while it is there: install a good copy, or remove it with "
                f"`digest model remove {folder.path.name}`"
            )
    return max(ours, key=lambda folder: folder.sort_key, default=None)


def find_package(folders: list[PackageFolder] | None = None) -> ModelInfo | None:
    """The installed ar→en translation package (highest version), or None. ``folders``:
    what :func:`package_folders` gave, if the caller has it."""
    argos_settings()  # (its folders first)
    from argostranslate import package as argos_package

    used = in_use(package_folders() if folders is None else folders)
    if used is None:
        return None
    try:
        return _info(argos_package.Package(used.path))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read Argos package {used.path}: {exc}") from None


def _info(pkg) -> ModelInfo:
    path = Path(pkg.package_path)
    return ModelInfo(path, str(pkg), pkg.package_version, folder_size(path))


_LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # a zip entry's local header (30 bytes)


def _cut_off_zip(data: bytes) -> bool:
    """Do ``data`` start as a zip archive whose end is missing: entries that read whole
    one after another (a name of text, its data as long as its header says) up to where
    the bytes stop, or up to a central directory cut short (a zip keeps it at its end)?"""
    at = whole = 0
    while data[at : at + 4] == b"PK\x03\x04":
        if at + _LOCAL_HEADER.size > len(data):  # the bytes stop inside a header
            return True
        fields = _LOCAL_HEADER.unpack_from(data, at)
        flags, size, name_length, extra_length = fields[2], fields[7], fields[9], fields[10]
        name = data[at + _LOCAL_HEADER.size : at + _LOCAL_HEADER.size + name_length]
        try:
            text = name.decode("utf-8")
        except UnicodeDecodeError:
            return False
        if not text or not text.isprintable() or flags & 0x08:  # (0x08: sizes after data)
            return whole > 0
        at += _LOCAL_HEADER.size + name_length + extra_length + size
        if at > len(data):  # the bytes stop inside this entry
            return True
        whole += 1
    return whole > 0 and (len(data) - at < 4 or data[at : at + 4] == b"PK\x01\x02")


def check_archive(path: Path) -> str:
    """Check that ``path`` is a complete ar→en ``.argosmodel``; return its top folder's name."""
    if not path.is_file():
        raise ModelError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        if _cut_off_zip(path.read_bytes()):
            raise ModelError(
                f"{path} is cut off: it starts as a zip archive but its end is missing (a "
                "download or copy that stopped early?): copy it again in full"
            )
        raise ModelError(f"{path} is not an Argos package: not a zip archive")
    try:
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise ModelError(f"{path} is corrupt: {bad} fails its checksum")
            names = zf.namelist()
            tops = {PurePosixPath(n).parts[0] for n in names if n.strip("/")}
            unsafe = [n for n in names if n.startswith("/") or ".." in PurePosixPath(n).parts]
            if unsafe or len(tops) != 1:
                raise ModelError(
                    f"{path} is not an Argos package: it must hold exactly one folder "
                    f"(found {sorted(tops)[:5]}{' and unsafe paths' if unsafe else ''})"
                )
            top = tops.pop()
            missing = [f for f in REQUIRED_FILES if f"{top}/{f}" not in names]
            if missing:
                raise ModelError(f"{path} is not an Argos package: missing {', '.join(missing)}")
            try:
                meta = json.loads(zf.read(f"{top}/metadata.json"))
            except ValueError as exc:
                raise ModelError(f"{path}: metadata.json is not valid JSON ({exc})") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelError(f"{path} is corrupt: {exc}") from None
    codes = (meta.get("from_code"), meta.get("to_code")) if isinstance(meta, dict) else None
    if codes != (FROM_CODE, TO_CODE):
        raise ModelError(
            f"{path} translates {codes[0] if codes else '?'}→{codes[1] if codes else '?'}, "
            "not ar→en"
        )
    kind = meta.get("type", "translate")  # Argos's own default
    if kind != "translate":
        raise ModelError(f"{path} is an Argos {kind!r} package, not a translation package")
    return top


def install_file(path: Path) -> ModelInfo:
    """Install a local ``.argosmodel`` after checking it; nothing is installed if it is bad.

    A package already installed in the same folder (another version) is replaced whole:
    Argos unpacks over a folder, which would leave the old version's files in it. If the
    install fails, the old package is put back."""
    settings = argos_settings()
    top = check_archive(path)
    target = Path(settings.package_data_dir) / top
    try:
        return _install_into(target, path)
    except OSError as exc:
        raise ModelError(_cannot_write(target.parent, exc)) from None


def _install_into(target: Path, path: Path) -> ModelInfo:
    """Unpack the checked package ``path`` as ``target``, putting back what was there if
    anything fails (see :func:`install_file`)."""
    from argostranslate import package as argos_package

    target.parent.mkdir(parents=True, exist_ok=True)
    aside = target.with_name(f".{target.name}.replaced")
    shutil.rmtree(aside, ignore_errors=True)
    replaced = _version(target)
    if target.exists():
        target.rename(aside)
    try:
        argos_package.install_from_path(path)
        try:  # a broken package is found now, not by a build later
            load_package(target)
        except ModelError as exc:
            raise ModelError(
                f"{path}: its model cannot be loaded ({exc}): the package is broken; "
                "nothing was installed"
            ) from None
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        if aside.exists():
            aside.rename(target)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    info = _info(argos_package.Package(target))
    return replace(info, replaced=replaced) if replaced != info.version else info


def _cannot_write(folder: Path, exc: OSError) -> str:
    """Why a package could not be installed into ``folder``, and what to do."""
    message = f"cannot install into {folder}: {exc.strerror or exc}; nothing was installed"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message += (
            ". Install as a user who can write there, or set ARGOS_PACKAGES_DIR to a folder "
            "you can write (and the same for builds)"
        )
    return message


def package_to_remove(which: str | None) -> PackageFolder:
    """The package folder ``digest model remove`` removes: the ar→en one builds use, or the
    one ``which`` names (its folder's name or path) or whose version it is. Only an ar→en
    package folder directly inside a packages folder is ever given."""
    folders = package_folders()
    ours = [folder for folder in folders if folder.removable]
    if not ours:
        searched = ", ".join(str(p) for p in packages_dirs())
        raise ModelError(
            f"no Arabic→English package is installed (searched {searched}): nothing to remove"
        )
    if which is None:
        try:
            used = in_use(folders)
        except ModelError as exc:
            raise ModelError(f"no package is used, to remove by default: {exc}") from None
        if used is None:  # only folders that lost their metadata.json
            raise ModelError(f"no ar→en package is used: name the one to remove ({_names(ours)})")
        return used
    path_like = "/" in which or os.sep in which or which in (".", "..")
    matches = _matching(folders, which) if path_like else _named(folders, which)
    if not matches:
        if path_like:
            dirs = ", ".join(str(p) for p in packages_dirs())
            raise ModelError(
                f"{which} is not a package folder in the Argos packages folder ({dirs}): "
                "nothing was removed"
            )
        raise ModelError(
            f"no installed ar→en package is named {which!r} or has that version "
            f"(installed: {_names(ours)}): nothing was removed"
        )
    if not any(folder.removable for folder in matches):
        other = matches[0]
        what = other.problem or (
            f"an Argos {other.kind!r} package"
            if other.kind != "translate"
            else f"it translates {other.codes}"
        )
        raise ModelError(
            f"{other.path} is not an Arabic→English package ({what}): `digest model remove` "
            "removes only those; nothing was removed"
        )
    if len(matches) > 1:
        by_path = len({folder.path.name for folder in matches}) < len(matches)
        found = ", ".join(str(f.path) if by_path else f.path.name for f in matches)
        raise ModelError(
            f"{which!r} matches {len(matches)} installed packages ({found}): give "
            f"{'its path' if by_path else 'its folder name'} to say which; nothing was removed"
        )
    return matches[0]


def _named(folders: list[PackageFolder], which: str) -> list[PackageFolder]:
    """The folders named ``which`` or, if none is, the ar→en ones of version ``which``."""
    named = [folder for folder in folders if folder.path.name == which]
    return named or [f for f in folders if f.removable and f.version == which]


def _matching(folders: list[PackageFolder], which: str) -> list[PackageFolder]:
    """The folder that the path ``which`` names (its parent may be a link), if any."""
    given = Path(which).expanduser().absolute()
    parent = given.parent.resolve()
    return [
        folder
        for folder in folders
        if folder.path.name == given.name and folder.path.parent.resolve() == parent
    ]


def _names(folders: list[PackageFolder]) -> str:
    return ", ".join(f"{folder.path.name} ({folder.version or '?'})" for folder in folders)


def remove_package(folder: PackageFolder) -> Path | None:
    """Delete the installed package ``folder``. It is renamed aside first, under a hidden
    name that no search takes for a package, then deleted: a remove cut short leaves no
    half-deleted package that looks installed. Returns the folder put aside if some of it
    could not be deleted (it is never used)."""
    path = folder.path
    if path.parent not in packages_dirs() or path.name.startswith("."):
        raise ModelError(f"{path} is not a package folder in a packages folder")
    if path.is_symlink():
        raise ModelError(
            f"{path} is a symbolic link (to {os.readlink(path)}), not a package folder: "
            "nothing was removed; delete the link yourself if that is what you mean"
        )
    aside = path.with_name(f".{path.name}.removing")
    try:
        if aside.is_symlink() or aside.is_file():
            raise ModelError(f"cannot remove {path}: {aside} is in the way; nothing was removed")
        if aside.exists():  # an earlier remove of a package of that name, cut short
            shutil.rmtree(aside)
        path.rename(aside)
    except OSError as exc:
        raise ModelError(_cannot_remove(path, exc)) from None
    shutil.rmtree(aside, ignore_errors=True)
    return aside if aside.exists() else None


def _cannot_remove(package: Path, exc: OSError) -> str:
    """Why a package could not be removed, and what to do."""
    message = f"cannot remove {package}: {exc.strerror or exc}; nothing was removed"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        message += f". Remove it as a user who can write to {package.parent}"
    return message


def load_package(package: Path, threads: int = 0) -> tuple[Any, Any, str]:
    """An installed package's CTranslate2 translator, SentencePiece tokenizer and target
    prefix, loaded as translation uses them. A package whose files are there but broken
    (a ``model.bin`` CTranslate2 cannot read) is a :class:`ModelError` saying why."""
    import ctranslate2
    import sentencepiece

    try:
        translator = ctranslate2.Translator(
            str(package / "model"), device="cpu", compute_type="int8", intra_threads=threads
        )
        tokenizer = sentencepiece.SentencePieceProcessor(
            model_file=str(package / "sentencepiece.model")
        )
        meta = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    except (RuntimeError, OSError, ValueError) as exc:
        raise ModelError(_reason(exc)) from None
    return translator, tokenizer, meta.get("target_prefix", "")


def _reason(exc: BaseException) -> str:
    """The first line of what a library said was wrong."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def unloadable(package: Path, reason: str) -> str:
    """What to tell a user whose installed package cannot be loaded (``reason``: why)."""
    return (
        f"the translation model in {package} cannot be loaded ({reason}): the package is "
        "broken; install a good one with `digest model install FILE.argosmodel` (or "
        "`digest model install`, online)"
    )


def _version(package: Path) -> str | None:
    """The version in an installed package folder's metadata, if it has one."""
    try:
        meta = json.loads((package / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = meta.get("package_version") if isinstance(meta, dict) else None
    return str(version) if version is not None else None


def install_from_index(*, progress: bool = False) -> ModelInfo:
    """Download the ar→en package from the Argos index and install it."""
    settings = argos_settings()
    from argostranslate import package as argos_package

    index = Path(settings.local_package_index)
    argos_log = logging.getLogger("argostranslate.utils")
    level = argos_log.level
    argos_log.setLevel(logging.CRITICAL)  # it logs a failure as a raw tuple; we say it below
    try:
        argos_package.update_package_index()  # returns on failure, keeps any old index
    finally:
        argos_log.setLevel(level)
    if not index.is_file():
        raise ModelError(
            f"could not download the Argos package index from {settings.remote_package_index} "
            "(are you offline?). On a machine without internet, download the ar→en "
            ".argosmodel elsewhere (https://www.argosopentech.com/argospm/index/) and run: "
            "digest model install FILE.argosmodel"
        )
    try:
        available = argos_package.get_available_packages()
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the Argos package index {index}: {exc}") from None
    matches = [
        p
        for p in available
        if (p.type, p.from_code, p.to_code) == ("translate", FROM_CODE, TO_CODE) and p.links
    ]
    if not matches:
        raise ModelError(f"the Argos package index {index} has no ar→en translation package")
    from packaging.version import Version

    best = max(matches, key=lambda p: Version(p.package_version or "0"))
    filename = f"{argos_package.argospm_package_name(best)}-{best.package_version}.argosmodel"
    download = Path(settings.downloads_dir) / filename
    _download(best.links, download, progress=progress)
    try:
        return install_file(download)
    finally:
        download.unlink(missing_ok=True)


def _download(links: list[str], dest: Path, *, progress: bool) -> None:
    """Fetch the first link that works into ``dest`` (via a .part file), with a progress bar."""
    import urllib.request

    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    errors = []
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_suffix(dest.suffix + ".part")
    for url in links:
        try:
            request = urllib.request.Request(url, headers={"User-Agent": "digest"})
            with urllib.request.urlopen(request, timeout=60) as response, part.open("wb") as f:
                total = int(response.headers.get("Content-Length") or 0) or None
                with Progress(
                    *Progress.get_default_columns(),
                    DownloadColumn(),
                    TransferSpeedColumn(),
                    disable=not progress,
                    transient=True,
                ) as bar:
                    task = bar.add_task(f"Downloading {dest.name}", total=total)
                    for block in iter(lambda r=response: r.read(1 << 16), b""):
                        f.write(block)
                        bar.advance(task, len(block))
            part.replace(dest)
            return
        except OSError as exc:
            errors.append(f"{url}: {exc}")
    part.unlink(missing_ok=True)
    raise ModelError("download failed (are you offline?):\n  " + "\n  ".join(errors))


def folder_size(path: Path) -> int:
    """Bytes in the files under ``path``."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def human_size(size: int) -> str:
    """1234567 -> '1.2 MB'."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")
