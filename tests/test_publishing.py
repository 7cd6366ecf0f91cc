"""Publishing the built site elsewhere than the preview: a ``base_url`` that cannot be
published is refused with what to give, and one written loosely (an uppercase host, a
stray slash) gives the addresses the site is reached by in every page, feed and the
sitemap (how each spelling is written: ``test_folder_urls_are_accepted``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from digest.build import BuildError, Project, build_site
from digest.config import ConfigError, load_config

HEADLINE = "قمة عربية طارئة في القاهرة"
BODY = (
    "انعقدت القمة العربية الطارئة في القاهرة اليوم بحضور القادة العرب.\n\n"
    "وأصدر القادة بيانا ختاميا يدعو إلى وقف إطلاق النار فورا.\n"
)


def _project(tmp_path: Path, base_url: str) -> Project:
    """A one-article project whose ``digest.toml`` sets ``base_url``."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.txt").write_text(f"{HEADLINE}\n\n{BODY}", encoding="utf-8")
    (tmp_path / "digest.toml").write_text(f'base_url = "{base_url}"\n', encoding="utf-8")
    return Project.at(tmp_path)


@pytest.mark.parametrize(
    ("base_url", "message"),
    [
        ("https://editor:secret@x.org/digest/", "base_url must not hold a user name or password"),
        ("https://x.org:0/", "base_url's port is no port (1-65535)"),
        ("https://x..org/", "base_url's host name 'x..org' is not a valid domain name"),
        ("https://.org/", "base_url's host name '.org' is not a valid domain name"),
        ("https://-x-.org/", "base_url's host name '-x-.org' is not a valid domain name"),
        ("https://x$y.org/", "base_url's host name 'x$y.org' is not a valid domain name"),
        ("https://x.org\\\\digest\\\\", "base_url has a backslash"),
        (
            "x.org/digest/",
            "base_url must be an http(s) URL, got 'x.org/digest/': write it with its "
            "scheme, like https://x.org/digest/",
        ),
    ],
)
def test_a_base_url_that_cannot_be_published_is_refused(
    tmp_path: Path, base_url: str, message: str
) -> None:
    """Credentials, port 0, a host name no DNS has, a backslash: each said, nothing built."""
    (tmp_path / "digest.toml").write_text(f'base_url = "{base_url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as failure:
        load_config(tmp_path / "digest.toml")
    assert message in str(failure.value)


def test_credentials_in_base_url_are_never_written(tmp_path: Path) -> None:
    """A build with a user name and password in ``base_url`` stops before writing pages."""
    project = _project(tmp_path, "https://editor:secret@x.org/digest/")
    with pytest.raises(BuildError, match="user name or password"):
        build_site(project)
    assert not project.output.exists()


def test_the_404_page_links_stay_on_the_site_with_a_stray_slash(tmp_path: Path) -> None:
    """``https://x.org//`` once gave the 404 page ``//static/style.css``: a link to a host
    named ``static``. Its links go from the site's root path, once."""
    project = _project(tmp_path, "https://X.org//")
    build_site(project)
    page = (project.output / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]*)"', page)
    assert links and all(link.startswith("/") and not link.startswith("//") for link in links)
    sitemap = (project.output / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert locs and all(loc.startswith("https://x.org/") and "//" not in loc[8:] for loc in locs)
    feed = (project.output / "ar" / "feed.xml").read_text(encoding="utf-8")
    assert "https://x.org/ar/feed.xml" in feed


def test_a_pin_too_long_for_a_file_name_still_builds_its_story(tmp_path: Path) -> None:
    """A pin longer than a file name may be (255 bytes on most file systems: a headline
    pasted as ``story:``) once stopped the build with "File name too long". Its story's
    folder is a readable start of it and a hash of it, the same for every article so
    pinned; a pin that fits keeps its address as written."""
    long_pin = "the-emergency-arab-summit-in-cairo-" * 8  # 280 characters
    fitting_pin = "x" * 255
    (tmp_path / "content").mkdir()
    for name, pin in (("a", long_pin), ("b", long_pin), ("c", fitting_pin)):
        (tmp_path / "content" / f"{name}.md").write_text(
            f"---\ntitle: {HEADLINE} {name}\nstory: {pin}\n---\n{BODY}", encoding="utf-8"
        )
    (tmp_path / "digest.toml").write_text('base_url = "https://x.org/"\n', encoding="utf-8")
    project = Project.at(tmp_path)
    build_site(project)
    for lang in ("ar", "en"):
        stories = sorted(p.name for p in (project.output / lang / "stories").iterdir())
        assert len(stories) == 2, stories
        assert fitting_pin in stories
        (shortened,) = (s for s in stories if s != fitting_pin)
        assert shortened.startswith("the-emergency-arab-summit-in-cairo-")
        assert len(shortened.encode()) <= 100
        assert (project.output / lang / "stories" / shortened / "index.html").is_file()


def _readme() -> str:
    return (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_readme_pages_workflow_runs_commands_digest_has() -> None:
    """README.md's GitHub Pages workflow (its one ```yaml block): every ``digest`` command
    in it parses as this digest's CLI reads it, the torch it installs is the Quick start's
    (the CPU build), the model cache is where Argos keeps packages by default, and it
    publishes what ``digest build`` writes."""
    import click
    import yaml

    from digest.cli import main

    blocks = re.findall(r"```yaml\n(.*?)```", _readme(), re.S)
    assert len(blocks) == 1, "README.md should hold one yaml block, the Pages workflow"
    workflow = yaml.safe_load(blocks[0])
    steps = workflow["jobs"]["build"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    commands = [c.strip() for run in runs for c in re.split(r"\|\||&&|\n", run) if c.strip()]
    digest_commands = [c.split()[1:] for c in commands if c.startswith("digest ")]
    assert [c[:2] for c in digest_commands] == [
        ["model", "status"],
        ["model", "install"],
        ["build", "--strict"],
    ]
    for args in digest_commands:  # parsed as the CLI would, without running them
        command: click.Command = main
        while isinstance(command, click.Group):
            command = command.commands[args.pop(0)]
        command.make_context(command.name, args)

    quick_torch = re.search(r"pip install (torch==\S+)", _readme())
    assert quick_torch is not None
    assert [c for c in commands if "torch" in c] == [
        f"pip install {quick_torch.group(1)} --index-url https://download.pytorch.org/whl/cpu"
    ]
    assert "pip install ." in commands

    caches = [s["with"]["path"] for s in steps if s.get("uses", "").startswith("actions/cache")]
    assert caches == ["~/.local/share/argos-translate/packages", ".digest-cache"]
    assert Project.at(Path(".")).cache_dir == Path(".digest-cache")
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact")]
    assert [s["with"]["path"] for s in upload] == ["site"]
    assert Project.at(Path(".")).output == Path("site")
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")


def test_strict_refuses_a_site_without_its_address(tmp_path: Path) -> None:
    """``digest build --strict`` (the README's publishing workflow) stops before writing a
    site whose ``base_url`` is unset (its feeds, sitemap and canonical links would point at
    the preview's address), and says what to set, with anything else that stops it; also
    when nothing changed since a plain build. With ``base_url`` set, that is no reason."""
    project = _project(tmp_path, "https://news.example.org/digest/")
    (tmp_path / "digest.toml").write_text("", encoding="utf-8")
    with pytest.raises(BuildError, match=r"base_url is not set \(--strict\)") as failure:
        build_site(project, strict=True)
    assert 'base_url = "https://' in str(failure.value)
    assert not project.output.exists()
    build_site(project)  # written, with a warning; then nothing changed
    with pytest.raises(BuildError, match=r"base_url is not set \(--strict\)"):
        build_site(project, strict=True)
    (tmp_path / "digest.toml").write_text(
        'base_url = "https://news.example.org/digest/"\n', encoding="utf-8"
    )
    try:
        build_site(project, strict=True)
    except BuildError as exc:  # no model on this machine: only that stops it
        assert "base_url" not in str(exc) and "(--strict)" in str(exc)
