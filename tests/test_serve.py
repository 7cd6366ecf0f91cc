"""``digest serve``: edits are served, deletes 404, errors overlay, nothing outside the site."""

from __future__ import annotations

import contextlib
import http.client
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from preview_support import (
    MARKER_WORD,
    REPO,
    copy_project,
    edit_last_paragraph,
    edit_paragraph,
    fetch,
    fresh_build,
    longest_line,
    site_files,
    story_of,
    story_url,
    wait_for,
)

from digest.build import BuildReport, Project
from digest.render import story_path
from digest.serve import EVENTS_PATH, REGROUPED, SEARCH_UPDATED, DevServer, is_temp_file

SEED = "002_ab5b8c60f657b26b.txt"
OVERLAY = b'<div id="digest-error"'


class Running:
    """A started dev server and the lines it printed."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.lines: list[str] = []
        self.server = DevServer(project, "127.0.0.1", 0, log=self.lines.append)

    def url(self, path: str = "") -> str:
        return self.server.url + path.lstrip("/")

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        return fetch(self.url(path))

    def rebuilds(self) -> int:
        return sum(": rebuilt in " in line for line in self.lines)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    run = Running(copy_project(tmp_path, theme=True, other_event=True))
    run.server.start()
    try:
        yield run
    finally:
        run.server.stop()


def overlay_body(run: Running, path: str) -> bytes | None:
    """The page's body if it is served with the error overlay, else None."""
    status, _, body = run.get(path)
    return body if status == 200 and OVERLAY in body else None


def served_text(run: Running, path: str, text: str) -> bool:
    status, _, body = run.get(path)
    return status == 200 and text.encode() in body


def test_edit_is_served(running: Running) -> None:
    page = story_url(running.project, SEED)
    assert running.get(page)[0] == 200
    edit_paragraph(running.project.content / SEED)
    wait_for(lambda: served_text(running, story_url(running.project, SEED), MARKER_WORD), "edit")
    # the line is printed once the build is done, a moment after the page is written
    wait_for(lambda: any(SEED in line for line in running.lines), "a line naming the file")


def test_the_line_for_an_edit_gives_the_address_of_its_story(running: Running) -> None:
    """An edited article's line is followed by its story's address (the English page's for
    its ``NAME.en.md``), which serves the edit; a template edit's line is not."""
    project = running.project
    edit_paragraph(project.content / SEED)
    wait_for(lambda: any("its story: " in line for line in running.lines), "the story's address")
    [address] = [line.split("its story: ")[1] for line in running.lines if "its story: " in line]
    assert address == running.url(story_url(project, SEED))
    status, _, body = fetch(address)
    assert status == 200 and MARKER_WORD.encode() in body
    # (once regrouped: else that build takes the next edit too, and its own line is "nothing
    # to rebuild")
    wait_for(lambda: any(REGROUPED in line for line in running.lines), "the regrouping")
    sidecar = (project.content / SEED).with_suffix(".en.md")
    sidecar.write_text("The summit's English text, by an editor.\n", encoding="utf-8")
    wait_for(lambda: sum("its story: " in line for line in running.lines) == 2, "English address")
    address = [line for line in running.lines if "its story: " in line][-1].split(": ", 1)[1]
    assert address == running.url(story_url(project, SEED, "en"))
    assert b"by an editor" in fetch(address)[2]
    base = project.theme / "base.html"
    base.write_text(base.read_text("utf-8").replace("</body>", "<p>x</p></body>"), "utf-8")
    wait_for(lambda: any("templates/base.html: " in line for line in running.lines), "its line")
    assert sum("its story: " in line for line in running.lines) == 2


def test_deleted_article_disappears(running: Running) -> None:
    project = running.project
    story = story_of(project, "sport.txt")
    page = story_path("ar", story)
    text = longest_line(project.content / "sport.txt")
    assert served_text(running, page, text)
    (project.content / "sport.txt").unlink()
    if [a.source for a in story.articles] == ["sport.txt"]:  # its own story: the page goes
        wait_for(lambda: running.get(page)[0] == 404, "404 after delete")
        _, headers, body = running.get(page)
        site_404 = (project.output / "404.html").read_bytes()
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert site_404.split(b"</body>")[0] in body
        # it reloads when this page comes back, not on every rebuild
        assert f'encodeURIComponent("{page}index.html")'.encode() in body
    else:  # grouped with others: its text goes
        wait_for(lambda: not served_text(running, page, text), "text gone after delete")


def test_template_error_shows_overlay_until_fixed(running: Running) -> None:
    page = story_url(running.project, SEED)
    story = running.project.root / "templates" / "story.html"
    good = story.read_text(encoding="utf-8")
    story.write_text(good.replace("{% block main %}", "{% block main %}{% if %}", 1), "utf-8")

    body = wait_for(lambda: overlay_body(running, page), "error overlay")
    assert b"story.html" in body
    assert b"<main" in body  # the last good page is still served under it
    story.write_text(good, encoding="utf-8")
    wait_for(lambda: served_text(running, page, "<main") and not overlay_body(running, page), "")
    wait_for(lambda: "  fixed: no errors now" in running.lines, "a line saying it is fixed")


def test_broken_article_keeps_its_last_good_version(running: Running) -> None:
    path = running.project.content / SEED
    page = story_url(running.project, SEED)
    text = longest_line(path)
    good = path.read_bytes()
    path.write_bytes(good[:200] + b"\xff half-written")
    body = wait_for(lambda: overlay_body(running, page), "")
    assert SEED.encode() in body and text.encode() in body
    assert b"(its last good version is shown)</pre>" in body  # as the terminal says
    wait_for(  # printed just after the overlay is published
        lambda: any(SEED in x and "last good version is shown" in x for x in running.lines),
        "a line saying the last good version is shown",
    )
    path.write_bytes(good)
    wait_for(lambda: not overlay_body(running, page), "recovery")
    wait_for(lambda: "  fixed: no errors now" in running.lines, "a line saying it is fixed")
    new = running.project.content / "new.txt"  # broken from the start: nothing to fall back on
    new.write_bytes(b"\xff not utf-8")
    wait_for(
        lambda: any(
            "new.txt" in line and "not shown until it is fixed" in line for line in running.lines
        ),
        "",
    )
    body = wait_for(lambda: overlay_body(running, page), "")
    assert b"new.txt: not UTF-8" in body and b"(not shown until it is fixed)</pre>" in body
    assert not any("nothing to rebuild" in line for line in running.lines[-3:])


def test_warning_about_an_edit_shows_on_the_page_until_fixed(running: Running) -> None:
    """A broken English sidecar costs only the English: the build warns, and the page says
    so (a yellow box) until the sidecar is fixed; warnings standing since the start (no
    model, no base_url) stay in the terminal."""
    page = story_url(running.project, SEED)
    assert overlay_body(running, page) is None  # the first build's warnings: terminal only
    sidecar = running.project.content / SEED.replace(".txt", ".en.md")
    sidecar.write_text("---\ntitle: [unclosed\n---\nThe English.\n", encoding="utf-8")
    body = wait_for(lambda: overlay_body(running, page), "a warning box")
    assert b'data-kind="warning" role="status"' in body
    assert sidecar.name.encode() in body and b"front matter is not valid YAML" in body
    assert b"<main" in body  # the page is built all the same
    sidecar.write_text("---\ntitle: The title\n---\nThe English.\n", encoding="utf-8")
    wait_for(lambda: served_text(running, page, "<main") and not overlay_body(running, page), "")


def test_bad_config_overlay_then_recovery(running: Running) -> None:
    config = running.project.config_file
    config.write_text("title = [unclosed\n", encoding="utf-8")
    body = wait_for(lambda: overlay_body(running, "ar/"), "")
    assert b"digest.toml" in body
    config.write_text('title = "Test digest"\n', encoding="utf-8")
    wait_for(
        lambda: served_text(running, "ar/", "Test digest") and not overlay_body(running, "ar/"),
        "config applied, overlay gone",
    )


def raw_get(run: Running, target: str) -> tuple[int, bytes]:
    """Send ``target`` exactly as written (no client-side normalisation)."""
    host, port = run.server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.putrequest("GET", target, skip_accept_encoding=True)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/../../secret.txt",
        "/ar/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/ar/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/escape/secret.txt",
        "/.digest-site",
        "/%00",
        "/%ff%fe",
    ],
)
def test_nothing_outside_the_site_is_served(running: Running, target: str) -> None:
    secret = running.project.root / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    (running.project.output / "escape").symlink_to(running.project.root)
    status, body = raw_get(running, target)
    assert status == 404
    assert b"top secret" not in body


def test_content_types_and_404(running: Running) -> None:
    expected = {
        "ar/": "text/html; charset=utf-8",
        "en/feed.xml": "application/rss+xml; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "static/style.css": "text/css; charset=utf-8",
    }
    for path, kind in expected.items():
        status, headers, _ = running.get(path)
        assert (status, headers["Content-Type"]) == (200, kind), path
    status, _, body = running.get("no/such/page/")
    assert status == 404
    assert b"digest-live-reload" in body
    status, headers, _ = fetch(running.url("ar"))  # urllib follows the redirect
    assert status == 200


def test_pages_get_the_script_but_files_on_disk_do_not(running: Running) -> None:
    _, _, body = running.get("en/")
    assert body.count(b"digest-live-reload") == 1
    assert body.index(b"digest-live-reload") < body.rindex(b"</body>")
    for page in running.project.output.rglob("*.html"):
        assert b"digest-live-reload" not in page.read_bytes()
    assert b"digest-live-reload" not in running.get("en/feed.xml")[2]


def test_events_stream_sends_reload_after_a_rebuild(running: Running) -> None:
    host, port = running.server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=15)
    connection.request("GET", EVENTS_PATH)
    response = connection.getresponse()
    assert response.getheader("Content-Type").startswith("text/event-stream")
    assert response.readline() == b"event: hello\n"
    edit_paragraph(running.project.content / SEED)
    deadline = time.monotonic() + 15
    while (line := response.readline()) != b"event: reload\n":
        assert line, "stream closed"
        assert time.monotonic() < deadline, "no reload event"
    assert response.readline().startswith(b"data: {")
    connection.close()


def test_only_pages_an_edit_changed_are_told_to_reload(running: Running) -> None:
    """Event streams name their page: the edited story's page reloads, an unchanged page
    (the outlets index) does not, even after the regrouping that follows."""
    host, port = running.server.httpd.server_address[:2]

    def stream(
        page: str, timeout: float = 15
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        connection.request("GET", f"{EVENTS_PATH}?page={urllib.parse.quote(page)}")
        response = connection.getresponse()
        assert response.readline() == b"event: hello\n"
        return connection, response

    story_page = story_url(running.project, SEED).lstrip("/") + "index.html"
    story_connection, story = stream(story_page)
    other_connection, other = stream("ar/outlets/index.html", timeout=2)  # reads stop there
    edit_paragraph(running.project.content / SEED)
    deadline = time.monotonic() + 15
    while (line := story.readline()) != b"event: reload\n":
        assert line and time.monotonic() < deadline, "no reload event for the story page"
    wait_for(lambda: any("(stories regrouped)" in line for line in running.lines), "regroup")
    # that build indexes the edit for search too, and says so
    assert any(f"{REGROUPED}, {SEARCH_UPDATED}" in line for line in running.lines)
    seen = []
    with contextlib.suppress(TimeoutError):
        while line := other.readline():
            seen.append(line)
    assert b"event: reload\n" not in seen
    story_connection.close()
    other_connection.close()


def test_an_edit_past_what_grouping_reads_is_shown_then_indexed_without_regrouping(
    running: Running,
) -> None:
    """An edit to the last paragraph is shown at once; the exact build that follows only
    indexes the search: the stories are not grouped again."""
    project = running.project
    edit_last_paragraph(project.content / SEED)
    wait_for(lambda: served_text(running, story_url(project, SEED), MARKER_WORD), "edit")
    wait_for(lambda: any(SEARCH_UPDATED in line for line in running.lines), "search indexed")
    assert any(SEED in line and "; search index next" in line for line in running.lines)
    assert not any(REGROUPED in line or "regrouping" in line for line in running.lines)


def test_without_search_an_edit_past_what_grouping_reads_is_one_line(tmp_path: Path) -> None:
    """With ``search = false`` such an edit leaves nothing to follow: one line, no
    "regrouping", no "search index", and no "nothing to rebuild" after it."""
    run = Running(copy_project(tmp_path, theme=True))
    run.project.config_file.write_text("search = false\n", encoding="utf-8")
    reports: list[BuildReport | None] = []  # every build's, in order (the exact one follows
    rebuild = run.server.rebuild  # the edit's within the debounce: too soon to poll for it)

    def recording(*args: Any, **kwargs: Any) -> BuildReport | None:
        reports.append(rebuild(*args, **kwargs))
        return reports[-1]

    run.server.rebuild = recording  # type: ignore[method-assign]
    run.server.start()
    try:
        edit_last_paragraph(run.project.content / SEED)
        wait_for(lambda: served_text(run, story_url(run.project, SEED), MARKER_WORD), "edit")
        wait_for(lambda: any(SEED in line for line in run.lines), "the edit's line")
        wait_for(lambda: not run.server.last_report.provisional, "the exact build after it")
        provisional = [bool(r and r.provisional) for r in reports]
        assert provisional[-2:] == [True, False]  # shown at once, search or no search
        time.sleep(0.5)  # what it would print comes right after it
        edits = [line for line in run.lines if SEED in line]
        assert len(edits) == 1 and edits[0].endswith(" 0 deleted")
        assert not any(
            "regroup" in line or "search index" in line or "nothing to rebuild" in line
            for line in run.lines
        )
    finally:
        run.server.stop()


def test_burst_of_saves_gives_few_rebuilds_and_the_final_state(running: Running) -> None:
    path = running.project.content / SEED
    before = running.rebuilds()
    original = path.read_text(encoding="utf-8")
    for n in range(5):  # an editor's save: temp file, then rename into place
        tmp = path.with_name(f".{path.name}.swp")
        tmp.write_text(original.replace(longest_line(path), longest_line(path) + f" تعديل{n}"))
        os.replace(tmp, path)
    page = story_url(running.project, SEED)
    wait_for(lambda: served_text(running, page, "تعديل4"), "final save served")
    assert running.rebuilds() - before < 5


def test_temp_files_are_ignored(running: Running) -> None:
    assert is_temp_file("content/.#a.txt") and is_temp_file("a.txt~") and is_temp_file("a.swp")
    assert not is_temp_file("content/a.txt")
    assert is_temp_file("content/sedb7kaQX") and not is_temp_file("content/sedation.txt")
    assert is_temp_file("#a.txt#") and is_temp_file("~$a.txt")  # emacs's autosave, Word's lock
    assert not is_temp_file("#عاجل.txt") and not is_temp_file("~draft.txt")  # articles
    before = len(running.lines)
    for name in (".#draft.txt", "draft.txt~", ".draft.txt.swp", "4913", ".git/index"):
        (running.project.content / name).parent.mkdir(parents=True, exist_ok=True)
        (running.project.content / name).write_text("x", encoding="utf-8")
    time.sleep(0.5)  # nothing to wait for: no rebuild may start
    assert len(running.lines) == before


def test_links_use_the_preview_address_unless_base_url_is_set(tmp_path: Path) -> None:
    """Canonical links and feeds point at this very server (whatever its port)."""
    run = Running(copy_project(tmp_path))
    run.server.start()
    try:
        page = run.get("ar/")[2].decode("utf-8")
        assert f'<link rel="canonical" href="{run.url("ar/")}">' in page
        assert run.url("ar/stories/") in run.get("ar/feed.xml")[2].decode("utf-8")
    finally:
        run.server.stop()
    # the editor is told, as `digest build` tells, once (not at every rebuild)
    warned = [line for line in run.lines if "warning: base_url is not set" in line]
    assert len(warned) == 1 and run.url() in warned[0]
    assert sum("warning: No Arabic→English translation model" in line for line in run.lines) == 1
    run.project.config_file.write_text('base_url = "https://news.example/"\n', "utf-8")
    run = Running(run.project)
    run.server.start()
    try:
        page = run.get("ar/")[2].decode("utf-8")
        assert '<link rel="canonical" href="https://news.example/ar/">' in page
    finally:
        run.server.stop()
    assert not any("base_url is not set" in line for line in run.lines)


def test_a_site_built_for_a_folder_address_is_previewed_under_it_too(tmp_path: Path) -> None:
    """base_url with a path (``/digest/``): the 404 page links from it, as it will be
    published; the preview serves the site there too, so that page has its styles."""
    project = copy_project(tmp_path)
    project.config_file.write_text('base_url = "https://news.example/digest/"\n', "utf-8")
    run = Running(project)
    run.server.start()
    try:
        status, _, page = run.get("ar/stories/no-such-story/")
        assert status == 404
        [css] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.decode("utf-8"))
        assert css.startswith("/digest/")
        status, headers, data = run.get(css)
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert data == (project.output / "static" / "style.css").read_bytes()
        assert run.get("digest/ar/")[2] == run.get("ar/")[2]  # the whole site, there too
        assert run.get("ar/")[0] == 200 and run.get("digest/nothing.html")[0] == 404
        # a folder asked without its slash: to the folder, under the address asked, with
        # the query (a search); the site's own address too
        query = "q=" + urllib.parse.quote("بوتين")
        for asked, to in (
            (f"/ar/search?{query}", f"/ar/search/?{query}"),
            (f"/digest/ar/search?{query}", f"/digest/ar/search/?{query}"),
            ("/digest", "/digest/"),
            ("/ar", "/ar/"),
        ):
            address = urllib.parse.urlsplit(run.server.url)
            connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
            connection.request("GET", asked)
            response = connection.getresponse()
            assert (response.status, response.getheader("Location")) == (301, to), asked
            connection.close()
    finally:
        run.server.stop()


def test_preview_after_a_build_uses_its_own_address_and_the_next_build_not(
    tmp_path: Path,
) -> None:
    """`digest build`, then `digest serve` on another port, then `digest build`: the
    preview's pages link to the preview, the built site's to the default address again
    (the inputs are the same each time; the address the site is for is not)."""
    from digest.build import build_site

    project = copy_project(tmp_path)
    build_site(project)
    default = (project.output / "ar" / "index.html").read_text(encoding="utf-8")
    run = Running(project)
    run.server.start()
    try:
        page = run.get("ar/")[2].decode("utf-8")
        assert f'<link rel="canonical" href="{run.url("ar/")}">' in page
    finally:
        run.server.stop()
    assert build_site(project).rendered > 0
    assert (project.output / "ar" / "index.html").read_text(encoding="utf-8") == default


def test_stop_closes_the_port(tmp_path: Path) -> None:
    run = Running(copy_project(tmp_path))
    run.server.start()
    host, port = run.server.httpd.server_address[:2]
    run.server.stop()
    with pytest.raises(OSError), socket.create_connection((host, port), timeout=2):
        pass


def test_cli_serves_and_exits_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    """``digest serve`` builds its preview apart from ``site/``: what ``digest build`` made
    for publishing is never touched (no preview address, no provisional state), and the
    next ``digest build`` still finds nothing to do."""
    from digest.build import build_site

    project = copy_project(tmp_path)
    build_site(project)
    published = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in project.output.rglob("*")
                 if p.is_file()}  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--port", "0"],
        cwd=project.root,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        printed = []
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            assert line, "digest serve exited early"
            printed.append(line)
            if line.startswith("Serving "):
                url = line.split(" at ")[1].split()[0]
        assert url and url.startswith("http://127.0.0.1:")
        # its first preview starts from the build's cleaned articles: only pages are new
        assert any("(start): rebuilt in" in x and ": 0 article(s) cleaned" in x for x in printed)
        assert fetch(url + "ar/")[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    preview = project.cache_dir / "preview"
    assert url in (preview / "ar" / "feed.xml").read_text(encoding="utf-8")
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in project.output.rglob("*")
             if p.is_file()}  # fmt: skip
    assert after == published
    for output in ("site", "./site/", str(project.output), "site/preview"):  # nor if asked
        refused = subprocess.run(
            [sys.executable, "-m", "digest", "serve", "--port", "0", "--output", output],
            cwd=project.root, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert refused.returncode == 1 and "the folder you publish" in refused.stderr
    (project.root / "notes").mkdir()
    (project.root / "notes" / "todo.txt").write_text("mine", encoding="utf-8")
    for output, why in ((".", "overlaps"), ("content/pv", "overlaps"), ("notes", "not empty")):
        refused = subprocess.run(  # never served: a folder no build may write to
            [sys.executable, "-m", "digest", "serve", "--port", "0", "--output", output],
            cwd=project.root, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert refused.returncode == 1 and why in refused.stderr, refused.stderr
        assert "Serving" not in refused.stderr
    assert (project.root / "notes" / "todo.txt").read_text(encoding="utf-8") == "mine"
    assert after == {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in project.output.rglob("*")
                     if p.is_file()}  # fmt: skip
    assert build_site(project).skipped


@pytest.mark.parametrize("works", [True, False])
def test_open_shows_the_preview_in_the_browser_or_says_to(tmp_path: Path, works: bool) -> None:
    """``digest serve --open`` starts the web browser ($BROWSER here) at the preview's
    address once it is up; where none starts, it says to open the address."""
    project = copy_project(tmp_path)
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.py"
    browser.write_text(
        "import sys\n"
        f"open({str(opened)!r}, 'w').write(sys.argv[1])\n"
        f"sys.exit({0 if works else 1})\n",
        encoding="utf-8",
    )
    env = {**os.environ, "BROWSER": f"{sys.executable} {browser} %s"}
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "serve", "--port", "0", "--open"],
        cwd=project.root,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    printed: list[str] = []
    reader = threading.Thread(target=lambda: printed.extend(process.stderr), daemon=True)
    reader.start()
    try:
        wait_for(lambda: opened.is_file() and opened.read_text(encoding="utf-8"), "browser", 60)
        url = next(x for x in printed if x.startswith("Serving ")).split(" at ")[1].split()[0]
        assert opened.read_text(encoding="utf-8") == url
        warning = f"warning: no web browser could be started here: open {url}\n"
        if not works:
            wait_for(lambda: warning in printed, "the warning")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        reader.join(timeout=10)
        assert (warning in printed) is not works
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_new_theme_folder_is_picked_up_and_watched(tmp_path: Path) -> None:
    run = Running(copy_project(tmp_path))  # starts with the default theme
    run.server.start()
    try:
        theme = tmp_path / "theme-copy"
        shutil.copytree(REPO / "templates", theme)
        base = theme / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!--t1--></body>"))
        theme.rename(run.project.root / "templates")  # appears at once, complete
        wait_for(lambda: served_text(run, "ar/", "<!--t1-->"), "own theme used")
        base = run.project.root / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("<!--t1-->", "<!--t2-->"))
        wait_for(lambda: served_text(run, "ar/", "<!--t2-->"), "own theme watched")
    finally:
        run.server.stop()


def test_an_edit_saved_while_stories_regroup_is_served_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regrouping after a preview build runs on a thread of its own: an edit saved while
    it runs (here it is made to take 3 s) is shown at once; the stories are regrouped for
    the latest articles once things are quiet, and the site is then as a fresh build."""
    import threading

    import digest.group

    real = digest.group.group_stories

    def slow_on_the_grouping_thread(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "digest-serve-grouping":
            time.sleep(3)
        return real(*args, **kwargs)

    monkeypatch.setattr(digest.group, "group_stories", slow_on_the_grouping_thread)
    project = copy_project(tmp_path, theme=True, other_event=True)
    project.config_file.write_text('base_url = "https://digest.example.org/"\n', "utf-8")
    run = Running(project)  # (with its own address, its pages are a fresh build's)
    run.server.start()
    try:
        grouping = lambda: any(  # noqa: E731
            t.name == "digest-serve-grouping" for t in threading.enumerate()
        )
        edit_paragraph(run.project.content / SEED, "كلمةأولى")
        wait_for(grouping, "the regrouping thread to start")
        started = time.monotonic()
        edit_paragraph(run.project.content / SEED, "كلمةثانية")
        page = story_url(run.project, SEED)
        wait_for(lambda: served_text(run, page, "كلمةثانية"), "the second edit", timeout=10)
        assert time.monotonic() - started < 2.5 and grouping(), "served before regrouping ends"
        wait_for(
            lambda: any("(stories regrouped)" in line for line in run.lines) and not grouping(),
            "the regrouping",
            timeout=30,
        )
    finally:
        run.server.stop()
    assert site_files(run.project.output) == fresh_build(run.project, tmp_path)


def test_a_browser_leaving_mid_answer_prints_no_traceback(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A reload during a burst of saves drops the connection the server is writing to:
    that is no error to print (it was a BrokenPipeError traceback in the terminal)."""
    import struct
    import threading

    from digest.live_reload import LiveState
    from digest.site_server import SiteServer

    (tmp_path / "big.html").write_bytes(b"<p>" + b"x" * 20_000_000)
    server = SiteServer(("127.0.0.1", 0), tmp_path, LiveState())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        for _ in range(3):
            client = socket.create_connection(server.server_address[:2], timeout=5)
            client.sendall(b"GET /big.html HTTP/1.1\r\nHost: x\r\n\r\n")
            client.recv(1024)  # the answer has started
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()  # reset: the server's next write fails
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
            "process_request" in t.name for t in threading.enumerate()
        ):
            time.sleep(0.05)
        status, _, _ = fetch(f"http://127.0.0.1:{server.server_address[1]}/no-such-page")
        assert status == 404  # still serving
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert "Traceback" not in capfd.readouterr().err


def test_a_404_page_waits_for_the_file_its_url_asks_for() -> None:
    from digest.site_server import wanted_file

    assert wanted_file("/ar/stories/x/") == "ar/stories/x/index.html"
    assert wanted_file("/ar/stories/x") == "ar/stories/x/index.html"
    assert wanted_file("/") == "index.html"
    assert wanted_file("/en/feed.xml") == "en/feed.xml"
    assert wanted_file("/ar/outlets/%D8%A7/") == "ar/outlets/ا/index.html"


DRAFT = (
    "---\ntitle: افتتاح معرض الكتاب الدولي في عمان\nsource: الغد\n{date}---\n\n"
    "افتتح وزير الثقافة الأردني معرض عمان الدولي للكتاب بمشاركة أكثر من ثلاثمئة دار نشر "
    "عربية وأجنبية، ويستمر المعرض عشرة أيام.\n"
)


def test_a_drafts_story_id_follows_its_date_until_digest_build_publishes_it(
    tmp_path: Path,
) -> None:
    """A preview never writes digest-stories.json: a story first seen undated, or under a
    mistyped year, gets its id from the date it ends up with, as `digest build` gives it."""
    run = Running(copy_project(tmp_path))
    registry = run.project.registry_file
    run.server.start()
    try:
        draft = run.project.content / "book-fair.md"
        draft.write_text(DRAFT.format(date=""), encoding="utf-8")
        wait_for(lambda: story_of(run.project, "book-fair.md") is not None, "draft grouped")
        previous = story_path("ar", story_of(run.project, "book-fair.md"))
        wait_for(lambda: run.get(previous)[0] == 200, "the undated draft served")
        assert "/undated-" in previous
        gone = []
        for date in ("2205-02-20", "2025-02-20"):  # a mistyped year, then corrected
            draft.write_text(DRAFT.format(date=f"date: {date}\n"), encoding="utf-8")
            gone.append(previous)
            previous = wait_for(
                lambda d=date: [p for p in served_paths(run) if f"/stories/{d}-" in p], date
            )[0]
            # a page open at an id it had follows the story there (no page is written)
            for old in gone:  # (sent there once the build is done, just after the pages)
                want = (307, "/" + previous)
                wait_for(lambda o=old, w=want: where_to(run, o) == w, f"{old} redirected")
                assert not (run.project.output / old).exists()
        assert not registry.exists()  # the preview published no id
    finally:
        run.server.stop()
    report_ids = _story_ids_built(run.project)
    assert any(i.startswith("2025-02-20-") for i in report_ids)
    assert not any(i.startswith(("undated-", "2205-")) for i in report_ids)
    assert registry.is_file()


def test_the_address_of_a_story_the_preview_showed_follows_its_reports(tmp_path: Path) -> None:
    """A report pinned to a new story, the pin changed, then removed, before any
    `digest build`: the open page at each name the story had is sent on to where its
    reports are now (under the site's path too), but the preview writes no page there,
    as `digest build` makes the same site without one."""
    project = copy_project(tmp_path, other_event=True)
    project.config_file.write_text('base_url = "https://example.org/digest/"\n', "utf-8")
    sport = project.content / "sport.txt"
    text = sport.read_text(encoding="utf-8")
    run = Running(project)
    run.server.start()
    try:
        gone: list[str] = []
        for pin in ("match-report", "morocco-peru", None):
            previous = story_url(project, "sport.txt")
            sport.write_text((f"---\nstory: {pin}\n---\n" if pin else "") + text, "utf-8")
            now = story_url(project, "sport.txt")
            assert now != previous
            wait_for(lambda n=now: run.get(n)[0] == 200, f"{now} served")
            gone = [*gone, previous]
            for old, prefix in itertools.product([g for g in gone if g != now], ("/", "/digest/")):
                want = (307, prefix + now)
                wait_for(lambda o=prefix + old, w=want: where_to(run, o) == w, f"{old} sent on")
            assert site_files(project.output) == fresh_build(project, tmp_path), pin
        assert now == gone[0]  # unpinned, its first id again: the one `digest build` gives
    finally:
        run.server.stop()


def where_to(run: Running, path: str) -> tuple[int, str | None]:
    """The status of a GET of ``path`` (redirects not followed) and where it sends."""
    address = urllib.parse.urlsplit(run.url())
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("GET", "/" + path.lstrip("/"))
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def served_paths(run: Running) -> list[str]:
    """Story page paths the served Arabic front and archive pages link to."""
    paths = []
    for listing in ("ar/", "ar/archive/"):
        status, _, body = run.get(listing)
        if status == 200:
            paths += re.findall(r'href="(?:\.\./)*(?:ar/)?(stories/[^"]+/)"', body.decode())
    return sorted({"ar/" + p for p in paths})


def _story_ids_built(project: Project) -> set[str]:
    """`digest build`'s story ids (the registry it writes)."""
    from digest.build import build_site
    from digest.story_registry import load_registry

    build_site(project)
    return set(load_registry(project.registry_file).articles.values())


def test_a_broken_story_registry_is_fixed_by_saving_it(tmp_path: Path) -> None:
    """digest-stories.json with a merge conflict: the overlay says so; saving it mended
    shows the site again, no other file touched."""
    project = copy_project(tmp_path)
    from digest.build import build_site

    build_site(project)  # (`digest build` writes the registry)
    registry = project.registry_file
    good = registry.read_text(encoding="utf-8")
    run = Running(project)
    run.server.start()
    try:
        registry.write_text("<<<<<<< HEAD\n" + good, encoding="utf-8")
        wait_for(lambda: overlay_body(run, "ar/"), "the overlay naming the registry")
        assert b"digest-stories.json" in overlay_body(run, "ar/")
        registry.write_text(good, encoding="utf-8")
        wait_for(lambda: served_text(run, "ar/", "<main") and not overlay_body(run, "ar/"), "")
    finally:
        run.server.stop()


def test_a_linked_content_folder_and_theme_are_watched(tmp_path: Path) -> None:
    """content/ and templates/ as links to folders elsewhere (a shared theme): edits in
    them are previewed as any others."""
    project = copy_project(tmp_path / "p")
    elsewhere = tmp_path / "shared"
    shutil.move(project.content, elsewhere / "articles")
    shutil.copytree(REPO / "templates", elsewhere / "theme")
    project.content.symlink_to(elsewhere / "articles", target_is_directory=True)
    (project.root / "templates").symlink_to(elsewhere / "theme", target_is_directory=True)
    run = Running(project)
    run.server.start()
    try:
        edit_paragraph(elsewhere / "articles" / SEED)
        wait_for(lambda: served_text(run, story_url(project, SEED), MARKER_WORD), "the edit")
        base = elsewhere / "theme" / "base.html"
        base.write_text(base.read_text(encoding="utf-8").replace("</body>", "<!--t1--></body>"))
        wait_for(lambda: served_text(run, "ar/", "<!--t1-->"), "the theme's edit")
        assert any(f"content/{SEED}" in line for line in run.lines), run.lines
    finally:
        run.server.stop()


def test_a_second_preview_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    """Two previews of one folder would rewrite each other's pages: the second is refused,
    saying what to do, and may start once the first has stopped."""
    from digest.serve import PreviewBusy

    project = copy_project(tmp_path)
    first = Running(project)
    first.server.start()
    try:
        second = Running(project)
        with pytest.raises(PreviewBusy, match=r"another digest serve .* another --output"):
            second.server.start()
    finally:
        first.server.stop()
    second.server.start()
    second.server.stop()


def test_a_model_installed_while_previewing_is_used_at_once(
    tmp_path: Path, argos_home: Path, argos_package: Path
) -> None:
    """No model when the preview starts: English pages say the translation is missing;
    `digest model install` meanwhile, and they are translated, no article saved."""
    from argostranslate import package
    from conftest import forget_argos_languages

    run = Running(copy_project(tmp_path))
    run.server.start()
    try:
        page = story_url(run.project, SEED, "en")
        assert served_text(run, page, "Translation not available")
        package.install_from_path(argos_package)
        wait_for(lambda: served_text(run, page, "<main"), "the page")
        wait_for(lambda: not served_text(run, page, "Translation not available"), "English")
        # the line is printed once the build is done, a moment after the page is written
        wait_for(lambda: any("(translation models)" in x for x in run.lines), "a line saying so")
    finally:
        run.server.stop()
        for installed in argos_home.iterdir():
            shutil.rmtree(installed, ignore_errors=True)
        forget_argos_languages()


def test_the_cache_folder_deleted_while_previewing_is_built_again_at_once(
    tmp_path: Path,
) -> None:
    """`.digest-cache/` can be deleted at any time: while serving, it holds the preview,
    which is built again without waiting for a save."""
    import dataclasses

    project = copy_project(tmp_path)
    run = Running(dataclasses.replace(project, output=project.preview))  # as `digest serve`
    run.server.start()
    try:
        assert served_text(run, "ar/", "<main")
        shutil.rmtree(run.project.cache_dir)
        wait_for(lambda: (run.project.cache_dir / "preview" / "ar" / "index.html").is_file(), "")
        wait_for(lambda: served_text(run, "ar/", "<main"), "the preview served again")
    finally:
        run.server.stop()
