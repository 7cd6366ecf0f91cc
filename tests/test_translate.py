"""Translation with a small genuine Argos package: same output as Argos, batched, cached."""

from __future__ import annotations

import html
import itertools
import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from argos_fixture import build_argos_package

from digest.build import Builder, BuildError, Project, build_site, load_articles
from digest.sentences import split_sentences
from digest.translate import INSTALL_HINT, translate_batch, translate_texts
from digest.translation_cache import TranslationCache, normalise

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "tests" / "fixtures" / "seeds").glob("*.txt"))


def seed_sentences(limit: int) -> list[str]:
    """Real sentences from the seed articles (lines longer than a heading), in order."""
    found: list[str] = []
    for path in SEEDS:
        for line in path.read_text(encoding="utf-8").splitlines():
            found += [s for s in split_sentences(line) if len(s.split()) > 4]
    return list(dict.fromkeys(found))[:limit]


def site_copy(root: Path, cache_from: Path | None = None) -> Project:
    """A site root with the seed content (and, if given, another site's translation cache)."""
    shutil.copytree(REPO / "tests" / "fixtures" / "seeds", root / "content")
    if cache_from is not None:
        (root / ".digest-cache").mkdir()
        shutil.copy(cache_from / ".digest-cache" / "translations.sqlite", root / ".digest-cache")
    return Project.at(root)


@pytest.fixture(scope="module")
def other_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A second ar→en package: other weights, higher version."""
    return build_argos_package(
        tmp_path_factory.mktemp("argos-other"), seed=1, version="1.1", name="translate-ar_en-v2"
    )


class OneSentence:
    """Argos's sentence splitter, patched: offline it cannot fetch one, we give whole texts."""

    def __init__(self, pkg: object) -> None:
        self.pkg = pkg

    def split_sentences(self, text: str) -> list[str]:
        return [text]


def test_batched_output_equals_argos_translation_object(argos_installed, monkeypatch):
    import argostranslate.translate as argos

    monkeypatch.setattr(argos, "MiniSBDSentencizer", OneSentence)
    monkeypatch.setattr(argos, "StanzaSentencizer", OneSentence)
    argos.get_installed_languages.cache_clear()
    translation = argos.get_translation_from_codes("ar", "en")
    assert translation is not None and "Arabic" in str(translation)
    sentences = seed_sentences(24)
    assert len(sentences) == 24
    expected = [html.unescape(translation.translate(s)) for s in sentences]
    assert translate_batch(str(argos_installed), sentences) == expected
    assert all(e.strip() for e in expected)


def test_html_entities_from_the_model_are_unescaped(argos_installed):
    import sentencepiece

    from digest.translate import _detokenize

    sp = sentencepiece.SentencePieceProcessor(
        model_file=str(argos_installed / "sentencepiece.model")
    )
    raw = "He said: &quot;the minister&apos;s statement&quot;"
    pieces = sp.encode(raw, out_type=str)
    assert "".join(pieces).replace("▁", " ").strip() == raw  # the model can emit entities
    assert _detokenize(sp, pieces, "") == 'He said: "the minister\'s statement"'


def test_batch_translation_maps_over_a_process_pool(argos_installed):
    sentences = seed_sentences(30)
    model = str(argos_installed)
    chunks = [sentences[i : i + 7] for i in range(0, len(sentences), 7)]
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        mapped = list(pool.map(translate_batch, [model] * len(chunks), chunks))
    assert [e for chunk in mapped for e in chunk] == translate_batch(model, sentences)


def test_paragraphs_keep_sentences_and_line_breaks(argos_installed, tmp_path):
    first, second, third = [s for s in seed_sentences(40) if s.endswith(".")][:3]
    paragraph = f"{first} {second}"
    lines = f"{first}\n{third}"
    result = translate_texts([paragraph, lines], tmp_path / "cache")
    sentences = [first, second, third]
    one = dict(zip(sentences, translate_batch(str(argos_installed), sentences), strict=True))
    assert result.english[paragraph] == f"{one[first]} {one[second]}"
    assert result.english[lines] == f"{one[first]}\n{one[third]}"
    assert (result.translated, result.cached) == (3, 0)
    assert result.model == "ar→en 1.0" and result.message is None


def test_without_a_model_the_hint_says_what_to_run(tmp_path):
    result = translate_texts(["وصل الرئيس."], tmp_path / "cache")
    assert result.english == {} and result.message == INSTALL_HINT
    assert "digest model install FILE.argosmodel" in result.message
    with pytest.raises(BuildError, match="digest model install"):
        build_site(site_copy(tmp_path / "site"), strict=True)


def test_english_pages_hold_the_models_output_deterministically(argos_installed, tmp_path):
    first = build_site(site_copy(tmp_path / "a"))
    second = build_site(site_copy(tmp_path / "b"))
    assert first.translated > 100 and first.cached == 0 and second.translated == first.translated
    pages_a = sorted((tmp_path / "a" / "site" / "en").rglob("*.html"))
    assert pages_a
    for page in pages_a:
        twin = tmp_path / "b" / page.relative_to(tmp_path / "a")
        assert page.read_bytes() == twin.read_bytes()
    feed = (tmp_path / "a" / "site" / "en" / "feed.xml").read_text(encoding="utf-8")
    assert "-en</guid>" in feed and "-untranslated</guid>" not in feed
    # A paragraph's English, as the model gives it sentence by sentence, is on a story page.
    articles, _ = load_articles(REPO / "tests" / "fixtures" / "seeds")
    paragraph = next(b.text for b in articles[0].body if b.kind == "paragraph")
    english = " ".join(translate_batch(str(argos_installed), split_sentences(paragraph)))
    story_pages = (tmp_path / "a" / "site" / "en" / "stories").rglob("index.html")
    assert any(html.escape(english, quote=False) in p.read_text() for p in story_pages)


def test_second_build_translates_nothing(argos_installed, tmp_path):
    first = build_site(site_copy(tmp_path / "a"))
    # A fresh site sharing only the translation cache: every sentence comes from it.
    again = build_site(site_copy(tmp_path / "b", cache_from=tmp_path / "a"))
    assert again.translated == 0
    assert again.cached == first.translated + first.cached
    assert _english_pages(tmp_path / "a") == _english_pages(tmp_path / "b")


def test_a_model_installed_after_a_build_translates_every_page(argos_package, tmp_path):
    """Build without a model (English pages say "not available"), install one, build
    again: everything the last build could not translate is translated now."""
    from argostranslate import package
    from conftest import forget_argos_languages

    project = site_copy(tmp_path / "site")
    assert build_site(project).translated == 0
    package.install_from_path(argos_package)
    try:
        again = build_site(project)
    finally:
        forget_argos_languages()  # as the argos_installed fixture does after its test
    assert again.translated > 0 and not any("model" in w for w in again.warnings)
    for page in project.output.glob("en/**/*.html"):
        html = page.read_text(encoding="utf-8")
        assert "Translation not available" not in html, page
        assert 'class="untranslated"' not in html, page


def test_changing_the_model_invalidates_the_cache(argos_installed, other_package, tmp_path):
    from argostranslate import package

    first = build_site(site_copy(tmp_path / "a"))
    before = _english_pages(tmp_path / "a")
    package.install_from_path(other_package)  # version 1.1 wins over 1.0
    again = build_site(site_copy(tmp_path / "b", cache_from=tmp_path / "a"))
    assert again.cached == 0 and again.translated == first.translated
    assert _english_pages(tmp_path / "b") != before
    with TranslationCache(tmp_path / "b" / ".digest-cache") as cache:
        assert cache.count() == 2 * first.translated  # old rows kept, under the old key


def test_human_translation_sidecar_replaces_machine_output(argos_installed, tmp_path):
    from digest.group import group_stories

    project = site_copy(tmp_path)
    article = SEEDS[0]
    sidecar = project.content / (article.stem + ".en.md")
    text = "---\ntitle: Pezeshkian arrives in Moscow\n---\n\nAn editor wrote this paragraph.\n"
    sidecar.write_text(text, encoding="utf-8")
    # Body sentences of that article that no headline or summary repeats.
    articles, _ = load_articles(REPO / "tests" / "fixtures" / "seeds")
    shown = {s for story in group_stories(articles) for s in (story.headline, *story.summary)}
    body = next(a for a in articles if a.source == article.name).body
    own = [
        normalise(s)
        for b in body
        for t in [b.plain_text()]
        if t not in shown
        for s in split_sentences(t)
    ]
    assert len(own) > 5
    for _ in range(2):
        build_site(project)
        pages = _english_pages(tmp_path)
        assert any("An editor wrote this paragraph." in p for p in pages.values())
        assert any("Pezeshkian arrives in Moscow" in p for p in pages.values())
        assert sidecar.read_text(encoding="utf-8") == text  # never overwritten
    with TranslationCache(project.cache_dir) as cache:
        (key,) = cache._db.execute("SELECT DISTINCT model FROM translations").fetchone()
        assert cache.lookup(key, own) == {}  # never sent to the model


def test_fully_cached_build_loads_no_model_nor_torch(argos_installed, tmp_path):
    build_site(site_copy(tmp_path / "a"))
    site_copy(tmp_path / "b", cache_from=tmp_path / "a")
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from digest.build import Project, build_site\n"
        "report = build_site(Project.at(Path(sys.argv[1])))\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'stanza', "
        "'ctranslate2', 'spacy', 'minisbd'})\n"
        "print(json.dumps([report.translated, report.cached, heavy]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "b")],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        env=os.environ.copy(),
    ).stdout
    translated, cached, heavy = json.loads(out.strip().splitlines()[-1])
    assert translated == 0 and cached > 100
    assert heavy == []


def test_cache_survives_concurrent_writers(tmp_path):
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        list(pool.map(_write_rows, [tmp_path] * 4, range(4)))
    with TranslationCache(tmp_path) as cache:
        assert cache.count("m") == 4 * 50
        assert cache.lookup("m", ["s3-49"]) == {"s3-49": "e3-49"}


def test_a_crash_loses_nothing_already_committed(tmp_path):
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from digest.translation_cache import TranslationCache\n"
        "cache = TranslationCache(Path(sys.argv[1]))\n"
        "cache.store('m', {'جملة أولى.': 'first'})\n"
        "os._exit(9)  # killed mid-build: no close, no cleanup\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPO, check=False)
    assert proc.returncode == 9
    db = sqlite3.connect(tmp_path / "translations.sqlite")
    assert db.execute("SELECT english FROM translations").fetchall() == [("first",)]


def test_sentences_go_to_the_model_in_chunks_growing_from_a_small_first():
    """The first chunk is small, so that the progress bar shows (it needs one chunk done
    to tell how long the rest takes: a full one takes a real model some 20 s); then each
    is twice the last, up to the full size; every sentence is in exactly one chunk."""
    from digest.translate import CHUNK_SENTENCES, FIRST_CHUNK, chunk_bounds

    assert chunk_bounds(0) == []
    assert chunk_bounds(10) == [(0, 10)]
    sizes = [end - start for start, end in chunk_bounds(1000)]
    assert sizes[:5] == [FIRST_CHUNK, 2 * FIRST_CHUNK, 4 * FIRST_CHUNK, 8 * FIRST_CHUNK, 256]
    assert max(sizes) == CHUNK_SENTENCES and sum(sizes) == 1000
    bounds = chunk_bounds(1000)
    assert all(end == start for (_, end), (start, _) in itertools.pairwise(bounds))


def test_cache_key_normalises_whitespace_only():
    assert normalise("  وصل   الرئيس\u00a0إلى\tموسكو ") == "وصل الرئيس إلى موسكو"
    assert normalise("إلى") != normalise("الى")  # spelling is not folded


def _write_rows(folder: Path, writer: int) -> None:
    with TranslationCache(folder) as cache:
        for batch in range(10):
            rows = {f"s{writer}-{batch * 5 + i}": f"e{writer}-{batch * 5 + i}" for i in range(5)}
            cache.store("m", rows)


def _english_pages(root: Path) -> dict[str, str]:
    en = root / "site" / "en"
    return {p.relative_to(en).as_posix(): p.read_text() for p in sorted(en.rglob("*.html"))}


def test_a_cache_from_before_text_digests_still_serves(argos_installed, tmp_path):
    """A cache written when whole texts were keyed by their Arabic: its sentence rows still
    count, so nothing is translated again; the old text table goes."""
    first = build_site(site_copy(tmp_path / "a"))
    db = sqlite3.connect(tmp_path / "a" / ".digest-cache" / "translations.sqlite")
    with db:
        db.execute("DROP TABLE text_english")
        db.execute(
            "CREATE TABLE text_translations (model TEXT, source TEXT, english TEXT, "
            "sentences TEXT, PRIMARY KEY (model, source)) WITHOUT ROWID"
        )
    db.close()
    again = build_site(site_copy(tmp_path / "b", cache_from=tmp_path / "a"))
    assert (again.translated, again.cached) == (0, first.translated)
    assert _english_pages(tmp_path / "a") == _english_pages(tmp_path / "b")
    db = sqlite3.connect(tmp_path / "b" / ".digest-cache" / "translations.sqlite")
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert "text_translations" not in tables and "text_english" in tables


def test_articles_translated_in_a_worker_while_grouping_give_the_same_site(
    argos_installed, tmp_path, monkeypatch
):
    """A big build translates the articles' texts in a worker process while it groups the
    stories (``TranslationMemo.ahead``); the seeds are too few for it, unless told. Same
    pages, and the same counts, as translating after grouping."""
    import digest.incremental
    import digest.workers

    after = build_site(site_copy(tmp_path / "after"))
    monkeypatch.setattr(digest.incremental, "AHEAD_MIN_TEXTS", 1)
    started = []
    start = digest.workers.in_background

    def recorded(function):
        started.append(start(function))
        return started[-1]

    monkeypatch.setattr(digest.workers, "in_background", recorded)
    ahead = build_site(site_copy(tmp_path / "ahead"))
    assert [work is not None for work in started] == [(os.cpu_count() or 1) > 1]
    assert ahead.translated == after.translated > 100
    assert ahead.cached == after.cached
    assert _english_pages(tmp_path / "ahead") == _english_pages(tmp_path / "after")
    again = build_site(site_copy(tmp_path / "again", cache_from=tmp_path / "ahead"))
    assert (again.translated, again.cached) == (0, after.translated + after.cached)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_translation_cache_is_named_and_left_for_the_editor(
    damage, argos_installed, tmp_path
):
    """A cache file that is no database stops the build with the file and what to do, not
    a traceback; the site stays as it was, and the file is not deleted behind the editor's
    back. Moved aside, the next build makes the translations again."""
    project = site_copy(tmp_path / "site")
    build_site(project)
    db = project.cache_dir / "translations.sqlite"
    if damage == "garbage":
        db.write_bytes(os.urandom(20_000))
    else:
        db.write_bytes(db.read_bytes()[:100])
    for sidecar in project.cache_dir.glob("translations.sqlite-*"):
        sidecar.unlink()
    before = {p: p.read_bytes() for p in project.output.rglob("*") if p.is_file()}
    article = next(project.content.glob("*.txt"))
    article.write_text(article.read_text(encoding="utf-8") + "\nجملة جديدة في آخر المقال.\n")
    with pytest.raises(BuildError, match=r"translations\.sqlite is damaged .*move it aside"):
        build_site(project)
    assert db.exists()
    assert {p: p.read_bytes() for p in project.output.rglob("*") if p.is_file()} == before
    db.rename(db.with_name("translations.sqlite.damaged"))
    assert build_site(project).translated > 0


def test_a_translation_cache_that_cannot_be_written_is_not_called_damaged(
    argos_installed, tmp_path
):
    """A cache file this user cannot write (a read-only mount, another user's file) stops
    the build with what to check, not "damaged: delete it", which would throw away every
    translation it holds; the file is left as it was."""
    from conftest import read_only

    project = site_copy(tmp_path / "site")
    build_site(project)
    db = project.cache_dir / "translations.sqlite"
    before = db.read_bytes()
    article = next(project.content.glob("*.txt"))
    article.write_text(article.read_text(encoding="utf-8") + "\nجملة جديدة في آخر المقال.\n")
    command = [sys.executable, "-m", "digest", "build"]
    with read_only(db) as prefix:
        done = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, cwd=project.root, env=os.environ
        )
    said = " ".join(done.stderr.split())
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"the translation cache {db} cannot be used (attempt to write a readonly" in said
    assert "damaged" not in said and "delete" not in said
    assert db.read_bytes() == before
    assert build_site(project).translated == 1  # writable again: the build goes on


def test_a_translation_cache_locked_by_another_process_is_named(
    argos_installed, tmp_path, monkeypatch
):
    """Another program holding the cache in a write transaction past the wait (a database
    browser, a stuck build): the build stops saying so, not with a traceback."""
    import digest.translation_cache

    project = site_copy(tmp_path / "site")
    build_site(project)
    article = next(project.content.glob("*.txt"))
    article.write_text(article.read_text(encoding="utf-8") + "\nجملة جديدة في آخر المقال.\n")
    monkeypatch.setattr(digest.translation_cache, "BUSY_TIMEOUT_S", 0.2)  # not a minute
    holder = sqlite3.connect(project.cache_dir / "translations.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(BuildError, match="is locked by another process") as raised:
            build_site(project)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "damaged" not in str(raised.value)
    assert build_site(project).translated == 1


def test_english_kept_from_the_last_build_counts_as_from_cache(argos_installed, tmp_path):
    """With the site folder deleted (the build cache kept), or one article edited, the
    English comes from the last build: the summary counts those sentences as from cache,
    not "0 from cache" as if nothing had been translated; a new sentence is translated."""
    project = site_copy(tmp_path / "site")
    first = build_site(project)
    total = first.translated + first.cached
    shutil.rmtree(project.output)
    again = build_site(project)
    assert (again.translated, again.cached) == (0, total) and total > 100
    article = sorted(project.content.iterdir())[0]
    with article.open("a", encoding="utf-8") as file:
        file.write("\n\nوأعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية.\n")
    edited = build_site(project)
    assert edited.translated == 1 and edited.cached == total
    # a live preview's builder keeps its counts between builds: an article's removal and
    # return, and an edit, count each sentence once
    builder = Builder(project, in_place=True, keep_last_good=True)
    assert builder.build().cached == total + 1
    text = article.read_text(encoding="utf-8")
    article.unlink()
    without = builder.build()
    assert without.translated == 0 and 0 < without.cached < total
    # as many as a build that counts them afresh finds (a sentence two texts hold stays)
    assert without.cached == Builder(project).build().cached
    article.write_text(text + "\nوقال وزير الزراعة إن الخطة تبدأ الشهر المقبل.\n", "utf-8")
    back = builder.build()
    assert (back.translated, back.cached) == (1, total + 1)


def test_a_sentence_two_texts_hold_is_counted_until_both_are_gone(argos_installed, tmp_path):
    """The memo counts, per sentence, the texts that hold it: when one of two goes, the
    sentence is still the other's, as a build counting afresh finds."""
    project = site_copy(tmp_path / "site")
    first, second = sorted(project.content.iterdir())[:2]
    shared = "وأكد المتحدث باسم الحكومة أن المحادثات ستستمر الأسبوع المقبل."
    for path, own in ((first, "وقال الوزير إن الزيارة ناجحة."), (second, "ولم يعلق الجانب الآخر.")):
        with path.open("a", encoding="utf-8") as file:
            file.write(f"\n\n{shared} {own}\n")
    build_site(project)
    builder = Builder(project, in_place=True, keep_last_good=True)
    builder.build()
    with first.open("a", encoding="utf-8") as file:  # English from the memo: counted now
        file.write("\n\nوأعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية.\n")
    builder.build()
    text = second.read_text(encoding="utf-8")
    second.write_text(text[: text.index(shared)], encoding="utf-8")  # one holder goes
    kept = builder.build()
    assert kept.cached == Builder(project).build().cached


def test_without_a_model_a_damaged_cache_is_named_and_nothing_is_translated(
    tmp_path: Path,
) -> None:
    """No model installed: the English kept in the cache is used (see test_model_cli); a
    cache that cannot be read is named, after what to run, and the build goes on."""
    (tmp_path / "translations.sqlite").write_bytes(b"not a database, " * 200)
    result = translate_texts(["التقى الرئيسان في موسكو."], tmp_path)
    assert result.english == {} and result.notice is None
    assert result.message is not None
    assert "model install" in result.message and "is damaged" in result.message
