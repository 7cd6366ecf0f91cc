"""Shared fixtures: a small genuine Argos ar→en package, and Argos pointed at temporary folders.

Every test runs with Argos Translate's folders (packages, index, downloads) in its own
``tmp_path``, through both the environment (for subprocesses) and ``argostranslate.settings``
(read once at import), so no test sees or touches a model installed on the machine. Tests that
need a model use ``argos_installed``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from argos_fixture import build_argos_package


@pytest.fixture(scope="session")
def argos_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a tiny ar→en ``.argosmodel`` (built once per session, deterministic)."""
    return build_argos_package(tmp_path_factory.mktemp("argos-package"))


@pytest.fixture(autouse=True)
def argos_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point Argos Translate at empty folders under ``tmp_path``; return its packages folder."""
    home = tmp_path / "argos"
    packages = home / "data" / "argos-translate" / "packages"
    for var, sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    for var in ("ARGOS_PACKAGE_INDEX", "ARGOS_DEVICE_TYPE", "ARGOS_CHUNK_TYPE"):
        monkeypatch.delenv(var, raising=False)
    from argostranslate import settings

    downloads = home / "cache" / "argos-translate" / "downloads"
    for folder in (packages, downloads):
        folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(settings, "data_dir", home / "data" / "argos-translate")
    monkeypatch.setattr(settings, "package_data_dir", packages)
    monkeypatch.setattr(settings, "package_dirs", [packages])
    monkeypatch.setattr(settings, "downloads_dir", downloads)
    monkeypatch.setattr(settings, "local_package_index", home / "data" / "index.json")
    # Nothing listens on port 9 of the loopback: the index download fails at once, offline.
    monkeypatch.setattr(settings, "remote_package_index", "http://127.0.0.1:9/index.json")
    return packages


@pytest.fixture
def argos_installed(argos_package: Path, argos_home: Path) -> Path:
    """Install the tiny package with argostranslate into this test's Argos folder.

    Returns the installed package folder. ``digest.build`` then translates with it.
    """
    from argostranslate import package

    package.install_from_path(argos_package)
    installed = [p for p in argos_home.iterdir() if (p / "metadata.json").is_file()]
    assert len(installed) == 1, installed
    yield installed[0]
    shutil.rmtree(installed[0], ignore_errors=True)
    forget_argos_languages()


def forget_argos_languages() -> None:
    import sys

    translate = sys.modules.get("argostranslate.translate")
    if translate is not None:
        translate.get_installed_languages.cache_clear()
        translate.installed_translates.clear()  # Argos keeps translations by "ar-en" key


@contextmanager
def read_only(path: Path) -> Iterator[list[str]]:
    """Make ``path`` (a file or folder) read-only for a command: yields the prefix to run
    the command with. Root writes whatever the permissions say, so as root the command runs
    in a mount namespace of its own with ``path`` bind-mounted read-only (skipped where that
    cannot be done); otherwise ``path`` loses its write bits until the block ends."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & 0o555)
        try:
            yield []
        finally:
            path.chmod(mode)
        return
    script = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" "$0" && exec "$@"'
    prefix = ["unshare", "-m", "sh", "-c", script, str(path)]
    if (
        shutil.which("unshare") is None
        or subprocess.run([*prefix, "true"], capture_output=True, check=False).returncode
    ):
        pytest.skip("cannot make a folder read-only for root (no unshare or mount here)")
    yield prefix
