"""Hugo on the same corpus as our bench: full build, no-op build, edit->served.

A Hugo multilingual site (Arabic default, ``languageDirection = "rtl"``, plus English) is
written under ``--out`` (tmpfs by default): N Arabic articles from ``bench/generate_site.py``
in ``content/ar/posts`` and N/2 English articles of similar length in ``content/en/posts``,
named as the first N/2 Arabic ones so that Hugo links them as translations. The layouts are
minimal but real: every article renders to a page, home and section lists are paginated,
and each language has its RSS feeds (Hugo's built-in template).

Measured with the installed ``hugo`` (wall clock, median of --runs):

* full build: ``public/`` and ``resources/`` deleted, then ``hugo --quiet``;
* full build with search: the same, then Pagefind (the binary digest runs) over
  ``public/``, as a Hugo site with search is built; its article pages mark their
  ``<article>`` as ``data-pagefind-body``, as digest's story pages do;
* no-op build: ``hugo --quiet`` again, nothing changed (Hugo renders everything again);
* edit->served: with ``hugo server`` on a loopback port (fast render, served from memory),
  the time from writing one Arabic article to its page over HTTP containing the new text.

    python bench/bench_hugo.py                    # /dev/shm/digest-bench-hugo
    python bench/bench_hugo.py --articles 100 --runs 2
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # digest, for Pagefind
sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_site import edit_article

EDIT_TIMEOUT = 30.0
START_TIMEOUT = 120.0
BUILD_TIMEOUT = 600.0

CONFIG = """\
baseURL = "http://127.0.0.1/"
title = "Digest bench"
defaultContentLanguage = "ar"
defaultContentLanguageInSubdir = false
disableKinds = ["taxonomy", "term"]
paginate = 50
enableRobotsTXT = false

[languages.ar]
languageName = "العربية"
languageDirection = "rtl"
contentDir = "content/ar"
title = "موجز الأخبار"
weight = 1

[languages.en]
languageName = "English"
languageDirection = "ltr"
contentDir = "content/en"
title = "News digest"
weight = 2
"""

LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}" dir="{{ .Site.Language.LanguageDirection }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} · {{ end }}{{ .Site.Title }}</title>
{{ range .AlternativeOutputFormats -}}
<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{ end -}}
{{ range .Translations -}}
<link rel="alternate" hreflang="{{ .Lang }}" href="{{ .Permalink }}">
{{ end -}}
</head>
<body>
<header>
<a href="{{ .Site.Home.RelPermalink }}">{{ .Site.Title }}</a>
{{ range .Site.Home.Translations -}}
<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">{{ .Language.LanguageName }}</a>
{{ end -}}
</header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "single.html": """\
{{ define "main" }}
<article data-pagefind-body>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>
{{ with .Params.source }} · {{ . }}{{ end }}</p>
{{ with .Translations }}<ul class="translations">
{{ range . }}<li><a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">
{{- .Language.LanguageName }}</a></li>
{{ end }}</ul>{{ end }}
{{ .Content }}
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range (.Paginate .Pages.ByDate.Reverse).Pages -}}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end -}}
</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "index.html": """\
{{ define "main" }}
<ul>
{{ range (.Paginate .Site.RegularPages.ByDate.Reverse).Pages -}}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time>
{{ with .Params.source }} · {{ . }}{{ end }}</li>
{{ end -}}
</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
}

ENGLISH_VOCABULARY = """
the a of to in and for on with that said by as from at after over its their new officials
government minister president talks agreement trade economic security regional international
foreign meeting visit capital country countries leaders summit energy oil prices market
markets investment project railway corridor peace negotiations council parliament election
elections vote military cooperation defence humanitarian aid crisis water border ministry
statement spokesman week month year today yesterday announced expected would could will
plans plan support growth billion million dollars percent rise fall since during between
within against about more than further first second final official delegation bilateral
partnership strategic treaty nuclear programme sanctions talks envoy embassy agency sources
reported according local national public private sector companies workers citizens people
region city cities port ports airport exports imports budget deficit debt bank central
interest rates inflation currency reform reforms law court ruling opposition party parties
coalition cabinet prime king prince emir secretary general united nations council members
"""
ENGLISH_WORDS = ENGLISH_VOCABULARY.split()
ENGLISH_OUTLETS = ["Reuters", "AP", "AFP", "BBC News", "Al Jazeera English", "The National"]
ENGLISH_ACTORS = [
    "Russian president",
    "Iranian president",
    "Egyptian foreign minister",
    "Iraqi prime minister",
    "Jordanian king",
    "Saudi crown prince",
    "UN secretary-general",
    "Turkish president",
]
ENGLISH_PLACES = ["Moscow", "Tehran", "Cairo", "Baghdad", "Amman", "Riyadh", "Ankara", "Doha"]
ENGLISH_TOPICS = ["trade deal", "peace talks", "energy crisis", "railway project", "oil prices"]


class HugoNotInstalled(RuntimeError):
    """``hugo`` is not on PATH."""


def english_article(rng: random.Random, day: str) -> str:
    """A Markdown article of ~600 English words with front matter (title, date, source)."""
    actor, place, topic = (rng.choice(x) for x in (ENGLISH_ACTORS, ENGLISH_PLACES, ENGLISH_TOPICS))
    title = f"{actor.capitalize()} in {place}: {topic} {rng.choice(ENGLISH_WORDS)}"
    keywords = [*actor.split(), place, *topic.split()]
    paragraphs: list[str] = []
    words = 0
    while words < 600:
        sentences = []
        for _ in range(rng.randint(2, 4)):
            ws = [
                rng.choice(keywords) if rng.random() < 0.15 else rng.choice(ENGLISH_WORDS)
                for _ in range(rng.randint(8, 16))
            ]
            sentences.append(" ".join(ws).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
        words += len(paragraphs[-1].split())
    source = rng.choice(ENGLISH_OUTLETS)
    front = f'---\ntitle: "{title}"\ndate: {day}\nsource: {source}\n---\n\n'
    return front + "\n\n".join(paragraphs) + "\n"


def write_site(out: Path, articles: int, seed: int = 11) -> list[Path]:
    """Write the Hugo site to ``out`` (content, config, layouts); return the Arabic articles."""
    from generate_site import generate

    generate(out, articles)  # replaces out/content with content/*.md
    arabic = out / "content" / "ar" / "posts"
    english = out / "content" / "en" / "posts"
    arabic.mkdir(parents=True)
    english.mkdir(parents=True)
    paths = []
    for path in sorted((out / "content").glob("*.md")):
        paths.append(path.rename(arabic / path.name))
    rng = random.Random(seed)
    for path in paths[: articles // 2]:
        match = re.search(r"^date: (\S+)$", path.read_text(encoding="utf-8"), re.M)
        day = match.group(1) if match else "2025-01-01"
        (english / path.name).write_text(english_article(rng, day), encoding="utf-8")
    (out / "config.toml").write_text(CONFIG, encoding="utf-8")
    layouts = out / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    return paths


def hugo_version() -> str:
    """E.g. ``v0.111.3+extended``; raise HugoNotInstalled without ``hugo`` on PATH."""
    if shutil.which("hugo") is None:
        raise HugoNotInstalled("hugo not installed: apt-get install hugo")
    done = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=True)
    return done.stdout.split()[1]


def hugo_build(site: Path, quiet: bool = True) -> tuple[float, str]:
    """Run ``hugo`` in ``site``: wall seconds and its output."""
    start = time.perf_counter()
    done = subprocess.run(
        ["hugo", *(["--quiet"] if quiet else [])],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"hugo failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def pagefind_index(site: Path) -> float:
    """Index ``site/public`` with Pagefind, as digest does: wall seconds."""
    from digest.search_index import pagefind_binary

    start = time.perf_counter()
    done = subprocess.run(
        [str(pagefind_binary()), "--site", "public", "--quiet"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"pagefind failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - start


def clear_build(site: Path) -> None:
    for name in ("public", "resources"):
        shutil.rmtree(site / name, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    """The page's text, or None if the server does not answer it (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def edit_to_served(site: Path, article: Path, runs: int) -> list[float]:
    """Seconds from writing ``article`` to ``hugo server`` serving its new text, per edit."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/posts/{article.stem}/"
    log = (site / "hugo-server.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [
            "hugo",
            "server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--disableFastRender=false",
        ],
        cwd=site,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while fetch(url) is None:  # the first fetch also marks the page visited (fast render)
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"hugo server did not serve {url}; see {log.name}")
            time.sleep(0.05)
        latencies = []
        for n in range(runs):
            time.sleep(1.0)
            word = edit_article(article, n)
            written = time.perf_counter()
            while True:
                page = fetch(url)
                if page is not None and word in page:
                    latencies.append(time.perf_counter() - written)
                    break
                if time.perf_counter() - written > EDIT_TIMEOUT:
                    raise RuntimeError(f"edit {n} not served within {EDIT_TIMEOUT:.0f} s")
                time.sleep(0.005)
            print(f"  edit {n}: {latencies[-1]:.3f} s", file=sys.stderr, flush=True)
        return latencies
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def measure_hugo(out: Path, articles: int, runs: int) -> dict:
    """Generate the Hugo site under ``out`` and measure it; raise HugoNotInstalled if needed."""
    version = hugo_version()
    results: dict[str, object] = {
        "articles": articles,
        "english_articles": articles // 2,
        "hugo_version": version,
    }

    def record(name: str, value: object) -> None:
        results[name] = value
        print(f"hugo {name}: {json.dumps(value)}", file=sys.stderr, flush=True)

    out.mkdir(parents=True, exist_ok=True)
    paths = write_site(out, articles)
    clear_build(out)
    seconds, summary = hugo_build(out, quiet=False)  # warm-up; shows what Hugo rendered
    print(f"hugo {version}, first build {seconds:.2f} s:\n{summary.strip()}", file=sys.stderr)
    article = paths[0]  # has an English translation
    if not (out / "public" / "posts" / article.stem / "index.html").exists():
        raise RuntimeError(f"hugo did not render {article.name} to posts/{article.stem}/")
    full, noop, searched = [], [], []
    for _ in range(runs):
        clear_build(out)
        full.append(hugo_build(out)[0])
        noop.append(hugo_build(out)[0])
        clear_build(out)
        seconds = hugo_build(out)[0]
        searched.append(seconds + pagefind_index(out))
    record("full_build", round(statistics.median(full), 3))
    record("full_build_with_pagefind", round(statistics.median(searched), 3))
    record("noop_build", round(statistics.median(noop), 3))
    served = edit_to_served(out, article, runs)
    record(
        "edit_to_served",
        {"median": round(statistics.median(served), 3), "all": [round(s, 3) for s in served]},
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/dev/shm/digest-bench-hugo"))
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.out.resolve().is_relative_to("/dev/shm"):
        print(f"warning: {args.out} is not on tmpfs; timings will be noisy", file=sys.stderr)
    try:
        results = measure_hugo(args.out, args.articles, args.runs)
    except HugoNotInstalled as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
