"""`digest model install` / `status` / `remove` against a temporary Argos folder."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from digest.cli import main


def run(*args: str):
    return CliRunner().invoke(main, ["model", *args], catch_exceptions=False)


def installed(packages: Path) -> list[str]:
    return sorted(p.name for p in packages.iterdir())


def test_install_from_file_then_status(argos_package, argos_home):
    result = run("install", str(argos_package))
    assert result.exit_code == 0, result.output
    assert installed(argos_home) == ["translate-ar_en-test"]
    assert "Installed Arabic → English 1.0" in result.output
    status = run("status")
    assert status.exit_code == 0
    lines = status.output.splitlines()
    assert lines[0] == "package:  Arabic → English (ar→en), version 1.0"
    assert lines[1] == f"location: {argos_home / 'translate-ar_en-test'}"
    files = (argos_home / "translate-ar_en-test").rglob("*")
    size = sum(f.stat().st_size for f in files if f.is_file())
    assert lines[2].startswith("size:     ") and lines[2].endswith(f"({size} bytes)")
    assert lines[3:] == ["model:    loads"]  # one package: nothing else to list


def test_installed_package_is_what_argos_sees(argos_package, argos_home):
    from argostranslate import package

    assert run("install", str(argos_package)).exit_code == 0
    (pkg,) = package.get_installed_packages()
    assert (pkg.from_code, pkg.to_code, pkg.package_version) == ("ar", "en", "1.0")


def test_status_without_a_model_says_what_to_run(argos_home):
    result = run("status")
    assert result.exit_code == 1
    assert "digest model install FILE.argosmodel" in result.output
    assert str(argos_home) in result.output


def _rezip(source: Path, dest: Path, *, drop: str = "", edit: dict[str, bytes] | None = None):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(dest, "w") as out:
        for item in src.infolist():
            if drop and item.filename.endswith(drop):
                continue
            data = (edit or {}).get(item.filename.split("/", 1)[-1], src.read(item))
            out.writestr(item, data)
    return dest


@pytest.mark.parametrize(
    ("corruption", "message"),
    [
        ("truncated", "is cut off: it starts as a zip archive but its end is missing"),
        ("garbage", "not a zip archive"),
        ("flipped", "corrupt"),
        ("no-model", "missing model/model.bin"),
        ("bad-metadata", "metadata.json is not valid JSON"),
        ("wrong-pair", "translates fr→en, not ar→en"),
        ("junk-model", "its model cannot be loaded"),  # the files are there, model.bin junk
        ("wrong-type", "an Argos 'sbd' package, not a translation package"),
    ],
)
def test_corrupt_package_is_refused_and_nothing_installed(
    corruption, message, argos_package, argos_home, tmp_path
):
    bad = tmp_path / "bad.argosmodel"
    data = argos_package.read_bytes()
    if corruption == "truncated":
        bad.write_bytes(data[: len(data) // 2])
    elif corruption == "garbage":
        bad.write_bytes(b"PK\x03\x04 this is not an archive" * 10)
    elif corruption == "flipped":
        with zipfile.ZipFile(argos_package) as zf:
            info = zf.getinfo("translate-ar_en-test/model/model.bin")
        raw = bytearray(data)
        middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
        raw[middle] ^= 0xFF
        bad.write_bytes(bytes(raw))
    elif corruption == "no-model":
        _rezip(argos_package, bad, drop="model/model.bin")
    elif corruption == "junk-model":
        _rezip(argos_package, bad, edit={"model/model.bin": b"not a CTranslate2 model" * 40})
    elif corruption == "bad-metadata":
        _rezip(argos_package, bad, edit={"metadata.json": b"{not json"})
    elif corruption == "wrong-type":
        meta = {"package_version": "1.0", "from_code": "ar", "to_code": "en", "type": "sbd"}
        _rezip(argos_package, bad, edit={"metadata.json": json.dumps(meta).encode()})
    else:
        meta = {"package_version": "1.0", "from_code": "fr", "to_code": "en"}
        _rezip(argos_package, bad, edit={"metadata.json": json.dumps(meta).encode()})
    result = run("install", str(bad))
    assert result.exit_code == 1
    assert message in result.output and str(bad) in result.output
    assert installed(argos_home) == []
    assert run("status").exit_code == 1


@pytest.mark.parametrize(
    "metadata", ['{"from_code": "en", "to_code": "fr",', "[1, 2]", '{"from_code": "en"}']
)
def test_another_tools_broken_package_beside_ours_is_left_alone(
    metadata, argos_package, argos_home
):
    """The Argos folder is shared: a package for other languages, readable or not, neither
    hides the ar→en one nor fails ``status`` or ``install``."""
    assert run("install", str(argos_package)).exit_code == 0
    other = argos_home / "translate-en_fr-1_0"
    other.mkdir()
    (other / "metadata.json").write_text(metadata, encoding="utf-8")
    status = run("status")
    assert status.exit_code == 0 and "translate-ar_en-test" in status.output
    assert run("install", str(argos_package)).exit_code == 0


def test_install_into_a_folder_that_cannot_be_written_says_so(argos_package, argos_home):
    """A packages folder the user cannot write (another user's, a read-only mount): the
    install says where and what to do, not a traceback; the installed package stays."""
    import os
    import subprocess
    import sys

    from conftest import read_only

    assert run("install", str(argos_package)).exit_code == 0
    newer = argos_package.with_name("newer.argosmodel")  # same folder name: replaces it
    newer.write_bytes(argos_package.read_bytes())
    command = [sys.executable, "-m", "digest", "model", "install", str(newer)]
    with read_only(argos_home) as prefix:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, env=os.environ)
    said = " ".join(done.stderr.split())
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot install into {argos_home}: " in said
    assert "nothing was installed" in said and "ARGOS_PACKAGES_DIR" in said
    assert installed(argos_home) == ["translate-ar_en-test"]
    assert run("status").exit_code == 0


def test_missing_file_is_a_clear_error(argos_home, tmp_path):
    result = run("install", str(tmp_path / "nowhere.argosmodel"))
    assert result.exit_code == 1 and "no such file" in result.output


def test_install_from_index_offline_fails_clearly(argos_home):
    result = run("install")
    assert result.exit_code == 1
    assert "could not download the Argos package index" in result.output
    assert "offline" in result.output
    assert "digest model install FILE.argosmodel" in result.output
    assert installed(argos_home) == []


def test_newer_version_is_installed_alongside(argos_package, argos_home, tmp_path):
    from argos_fixture import build_argos_package

    newer = build_argos_package(tmp_path, seed=1, version="2.0", name="translate-ar_en-2_0")
    assert run("install", str(newer)).exit_code == 0
    older = run("install", str(argos_package))
    assert older.exit_code == 0
    assert "higher version (2.0)" in older.output
    assert "version 2.0" in run("status").output


def test_a_new_version_in_the_same_folder_translates_the_site_again(
    argos_package, argos_home, tmp_path
):
    """Installing another version of the package into the same folder is a new model: the
    next build translates again (the folder's own mtime does not change), and no file of
    the old version is left in the folder."""
    import shutil

    from argos_fixture import build_argos_package

    from digest.build import Project, build_site

    site = tmp_path / "site-root"
    shutil.copytree(Path(__file__).parent / "fixtures" / "seeds", site / "content")
    assert run("install", str(argos_package)).exit_code == 0
    first = build_site(Project.at(site))
    assert first.translated > 0
    english = {p: p.read_bytes() for p in sorted((site / "site" / "en").rglob("*.html"))}
    (argos_home / "translate-ar_en-test" / "left-over.txt").write_text("old", encoding="utf-8")
    newer = build_argos_package(tmp_path / "v1.1", seed=1, version="1.1")
    result = run("install", str(newer))
    assert result.exit_code == 0, result.output
    assert "Installed Arabic → English 1.1" in result.output
    assert "(replacing version 1.0)" in result.output
    assert installed(argos_home) == ["translate-ar_en-test"]
    assert not (argos_home / "translate-ar_en-test" / "left-over.txt").exists()
    again = build_site(Project.at(site))
    assert again.translated > 0
    assert english != {p: p.read_bytes() for p in sorted((site / "site" / "en").rglob("*.html"))}


def test_model_stamp_sees_a_model_file_replaced_in_place(argos_package, argos_home):
    """A new version unpacked over the old folder by hand changes the model's files, not
    the folder's mtime: the stamp that tells builds the model changed sees the files."""
    import os

    from digest.incremental import model_stamp

    assert run("install", str(argos_package)).exit_code == 0
    folder = argos_home / "translate-ar_en-test"
    before = model_stamp()
    folder_times = (folder.stat().st_atime_ns, folder.stat().st_mtime_ns)
    model_bin = folder / "model" / "model.bin"
    model_bin.write_bytes(model_bin.read_bytes() + b"\0")
    os.utime(folder, ns=folder_times)
    assert model_stamp() != before


def test_a_broken_installed_model_is_named_and_the_site_still_built(
    argos_package, argos_home, tmp_path, monkeypatch
):
    """A package whose model.bin went bad after it was installed: the build completes, as
    without a model (the English pages say the translation is not available), and says
    which package cannot be loaded and what to do; no traceback."""
    import shutil

    assert run("install", str(argos_package)).exit_code == 0
    model_bin = argos_home / "translate-ar_en-test" / "model" / "model.bin"
    model_bin.write_bytes(b"not a CTranslate2 model" * 40)
    status = run("status")  # where a user checks the model: it says so too
    assert status.exit_code == 1 and "cannot be loaded" in status.output
    shutil.copytree(Path(__file__).parent / "fixtures" / "seeds", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "translate-ar_en-test cannot be loaded" in said
    assert "digest model install FILE.argosmodel" in said
    assert (tmp_path / "site" / "en" / "index.html").is_file()


@pytest.mark.parametrize(
    ("variable", "folder"),
    [
        ("ARGOS_PACKAGES_DIR", ""),
        ("XDG_CONFIG_HOME", "argos-translate"),
        ("XDG_CACHE_HOME", "argos-translate"),
        ("XDG_DATA_HOME", "argos-translate"),
    ],
)
def test_an_argos_folder_that_is_a_file_is_named(
    variable, folder, argos_home, tmp_path, monkeypatch
):
    """ARGOS_PACKAGES_DIR (or the XDG folder Argos makes its config, cache or data folder
    in) naming a file: the model commands say so, and which variable to check, and a build
    warns and builds as without a model (Argos makes its folders when imported: no
    traceback)."""
    import shutil
    import sys

    in_the_way = tmp_path / "packages"
    in_the_way.write_text("", encoding="utf-8")
    monkeypatch.setenv(variable, str(in_the_way))
    for name in [m for m in sys.modules if m.startswith("argostranslate")]:
        monkeypatch.delitem(sys.modules, name)  # imported afresh, as in a new process
    unmade = in_the_way / folder if folder else in_the_way
    expected = f"Argos Translate cannot make its folder {unmade}: "
    result = CliRunner().invoke(main, ["model", "status"])
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and expected in said, said
    assert f"(check {variable}: a folder that exists or that this user can make)" in said
    shutil.copytree(Path(__file__).parent / "fixtures" / "seeds", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert expected in " ".join(result.output.split())


def listed(output: str) -> dict[str, str]:
    """The folders ``status`` lists after the package in use: name -> its whole line."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("installed in "))
    rows = [line for line in lines[start:] if line[:2] in ("* ", "  ")]
    return {line[2:].split()[0]: line for line in rows}


def install_two_versions(argos_package: Path, tmp_path: Path) -> Path:
    """Install the test package (1.0, translate-ar_en-test) and a 2.0 beside it
    (translate-ar_en-2_0); return the 2.0 file."""
    from argos_fixture import build_argos_package

    newer = build_argos_package(tmp_path / "v2", seed=1, version="2.0", name="translate-ar_en-2_0")
    assert run("install", str(argos_package)).exit_code == 0
    assert run("install", str(newer)).exit_code == 0
    return newer


def copy_as(source: Path, name: str, **metadata: str) -> Path:
    """A copy of the installed package folder ``source`` named ``name``, its metadata.json
    changed by ``metadata``."""
    import shutil

    copy = shutil.copytree(source, source.with_name(name))
    meta = json.loads((copy / "metadata.json").read_text(encoding="utf-8"))
    (copy / "metadata.json").write_text(json.dumps({**meta, **metadata}), encoding="utf-8")
    return copy


def test_status_lists_every_installed_package_and_which_builds_use(
    argos_package, argos_home, tmp_path
):
    install_two_versions(argos_package, tmp_path)
    copy_as(
        argos_home / "translate-ar_en-test", "translate-en_ar-1_0", from_code="en", to_code="ar"
    )
    (argos_home / "not-a-package").mkdir()
    status = run("status")
    assert status.exit_code == 0, status.output
    lines = status.output.splitlines()
    assert lines[0] == "package:  Arabic → English (ar→en), version 2.0"
    assert lines[1] == f"location: {argos_home / 'translate-ar_en-2_0'}"
    assert lines[3] == "model:    loads"
    assert f"installed in {argos_home}:" in lines
    rows = listed(status.output)
    assert list(rows) == [
        "not-a-package",
        "translate-ar_en-2_0",
        "translate-ar_en-test",
        "translate-en_ar-1_0",
    ]
    assert rows["translate-ar_en-2_0"].startswith("* ")
    assert rows["translate-ar_en-2_0"].split()[2:4] == ["ar→en", "2.0"]
    assert rows["translate-ar_en-2_0"].endswith("used by builds")
    assert rows["translate-ar_en-test"].split()[1:3] == ["ar→en", "1.0"]
    assert rows["translate-ar_en-test"].endswith(
        "not used: a lower version than 2.0 (its model loads)"
    )
    assert rows["translate-en_ar-1_0"].split()[1:3] == ["en→ar", "1.0"]
    assert rows["translate-en_ar-1_0"].endswith("not for digest (translates en→ar)")
    assert rows["not-a-package"].endswith("not a package (no metadata.json): ignored")
    assert [line[:2] for line in rows.values()].count("* ") == 1


def test_status_says_a_package_not_used_could_not_be_loaded(argos_package, argos_home, tmp_path):
    install_two_versions(argos_package, tmp_path)
    model_bin = argos_home / "translate-ar_en-test" / "model" / "model.bin"
    model_bin.write_bytes(b"not a CTranslate2 model" * 40)
    status = run("status")
    assert status.exit_code == 0, status.output  # the one builds use loads
    why = listed(status.output)["translate-ar_en-test"]
    assert "not used: a lower version than 2.0; its model cannot be loaded (" in why


def test_status_with_only_another_languages_package_lists_it(argos_package, argos_home):
    assert run("install", str(argos_package)).exit_code == 0
    ours = argos_home / "translate-ar_en-test"
    copy_as(ours, "translate-en_ar-1_0", from_code="en", to_code="ar")
    import shutil

    shutil.rmtree(ours)
    status = run("status")
    assert status.exit_code == 1
    assert "digest model install FILE.argosmodel" in status.output
    assert listed(status.output)["translate-en_ar-1_0"].endswith("(translates en→ar)")


def test_status_names_an_unreadable_package_and_how_to_remove_it(argos_package, argos_home):
    assert run("install", str(argos_package)).exit_code == 0
    bad = argos_home / "translate-ar_en-bad"
    bad.mkdir()
    (bad / "metadata.json").write_text("{not json", encoding="utf-8")
    status = run("status")
    said = " ".join(status.output.split())
    assert status.exit_code == 1
    assert "No Arabic→English translation model is used: an ar→en package is broken." in said
    rows = listed(status.output)
    assert "broken (metadata.json cannot be read: " in rows["translate-ar_en-bad"]
    assert rows["translate-ar_en-test"].endswith("not used: translate-ar_en-bad cannot be read")
    assert f"cannot read Argos package {bad}: " in said
    assert "`digest model remove translate-ar_en-bad`" in said


def everything(packages: Path) -> list[str]:
    """All that is in the packages folder, hidden folders too."""
    return sorted(p.name for p in packages.iterdir())


def test_remove_the_package_in_use_says_which_is_used_next(argos_package, argos_home, tmp_path):
    install_two_versions(argos_package, tmp_path)
    result = run("remove", "--yes")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    removed = argos_home / "translate-ar_en-2_0"
    assert lines[0].startswith(f"Removed {removed} (ar→en, version 2.0, ")
    assert lines[1] == f"Builds will now use {argos_home / 'translate-ar_en-test'} (version 1.0)."
    assert "translation cache (.digest-cache/translations.sqlite" in lines[2]
    assert "installing this package again retranslates nothing" in lines[2]
    assert everything(argos_home) == ["translate-ar_en-test"]  # nothing left aside
    assert "version 1.0" in run("status").output
    last = run("remove", "1.0", "--yes")
    assert last.exit_code == 0, last.output
    assert "No ar→en package is left: builds keep the English already made" in (
        " ".join(last.output.split())
    )
    assert everything(argos_home) == []
    assert run("status").exit_code == 1


def test_remove_by_name_leaves_the_package_in_use(argos_package, argos_home, tmp_path):
    install_two_versions(argos_package, tmp_path)
    result = run("remove", "translate-ar_en-test", "--yes")
    assert result.exit_code == 0, result.output
    assert f"Builds still use {argos_home / 'translate-ar_en-2_0'} (version 2.0)." in (
        result.output
    )
    assert everything(argos_home) == ["translate-ar_en-2_0"]


def test_remove_by_path_as_status_shows_it(argos_package, argos_home, tmp_path):
    install_two_versions(argos_package, tmp_path)
    result = run("remove", str(argos_home / "translate-ar_en-test"), "--yes")
    assert result.exit_code == 0, result.output
    assert everything(argos_home) == ["translate-ar_en-2_0"]


def test_remove_says_when_the_next_package_cannot_be_loaded(argos_package, argos_home, tmp_path):
    install_two_versions(argos_package, tmp_path)
    model_bin = argos_home / "translate-ar_en-test" / "model" / "model.bin"
    model_bin.write_bytes(b"not a CTranslate2 model" * 40)
    result = run("remove", "--yes")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"Builds will now use {argos_home / 'translate-ar_en-test'} (version 1.0), but " in said
    assert "cannot be loaded" in said


def test_remove_without_yes_and_without_a_terminal_refuses(argos_package, argos_home):
    assert run("install", str(argos_package)).exit_code == 0
    result = run("remove")  # (the test runner's input is not a terminal)
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "input is not a terminal" in said and "--yes" in said
    assert everything(argos_home) == ["translate-ar_en-test"]


@pytest.mark.parametrize(("answer", "removed"), [("n", False), ("y", True)])
def test_remove_asks_at_a_terminal(answer, removed, argos_package, argos_home):
    """At a terminal, ``remove`` names the package and asks; only yes removes it."""
    import os
    import subprocess
    import sys

    assert run("install", str(argos_package)).exit_code == 0
    terminal, command_side = os.openpty()
    try:
        done = subprocess.Popen(
            [sys.executable, "-m", "digest", "model", "remove"],
            stdin=command_side,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=os.environ,
        )
        os.close(command_side)
        os.write(terminal, f"{answer}\n".encode())
        output = done.communicate(timeout=120)[0].decode()
    finally:
        os.close(terminal)
    folder = argos_home / "translate-ar_en-test"
    assert f"Remove {folder} (ar→en, version 1.0, " in output
    assert done.returncode == (0 if removed else 1), output
    assert everything(argos_home) == ([] if removed else ["translate-ar_en-test"])


def test_remove_with_nothing_installed_says_so(argos_home):
    result = run("remove", "--yes")
    assert result.exit_code == 1
    assert "no Arabic→English package is installed" in result.output
    assert "nothing to remove" in result.output


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("9.9", "no installed ar→en package is named '9.9' or has that version"),
        ("translate-en_ar-1_0", "is not an Arabic→English package (it translates en→ar)"),
        ("1.0", "'1.0' matches 3 installed packages (translate-ar_en-copy, translate-ar_en-link"),
        ("/etc", "/etc is not a package folder in the Argos packages folder"),
        ("..", ".. is not a package folder in the Argos packages folder"),
        ("outside", "is not a package folder in the Argos packages folder"),
        ("translate-ar_en-link", "is a symbolic link (to "),
    ],
)
def test_remove_refuses_what_is_not_one_ar_en_package(
    which, message, argos_package, argos_home, tmp_path
):
    """A name or version that matches no package, or two; a package for other languages; a
    path outside the packages folder; a link to a folder elsewhere: a clear error, and
    nothing is removed, in the packages folder or outside it."""
    assert run("install", str(argos_package)).exit_code == 0
    ours = argos_home / "translate-ar_en-test"
    copy_as(ours, "translate-en_ar-1_0", from_code="en", to_code="ar")
    copy_as(ours, "translate-ar_en-copy")  # version 1.0 too
    elsewhere = copy_as(ours, "translate-ar_en-elsewhere")
    outside = tmp_path / "outside"
    elsewhere.rename(outside)
    (argos_home / "translate-ar_en-link").symlink_to(outside, target_is_directory=True)
    before = everything(argos_home)
    result = run("remove", str(outside) if which == "outside" else which, "--yes")
    said = " ".join(result.output.split())
    assert result.exit_code == 1 and message in said, said
    assert "nothing was removed" in said
    assert everything(argos_home) == before
    assert (outside / "model" / "model.bin").is_file()


def test_remove_picks_by_path_among_packages_folders(
    argos_package, argos_home, tmp_path, monkeypatch
):
    """Argos may search several packages folders: the same folder name in two is an
    ambiguous name, and its path says which; ``status`` lists each packages folder."""
    import shutil

    from argostranslate import settings

    second = tmp_path / "second-packages"
    second.mkdir()
    monkeypatch.setattr(settings, "package_dirs", [argos_home, second])  # as a snap's Argos
    assert run("install", str(argos_package)).exit_code == 0
    shutil.copytree(argos_home / "translate-ar_en-test", second / "translate-ar_en-test")
    status = run("status")
    assert f"installed in {argos_home}:" in status.output
    assert f"installed in {second}:" in status.output
    ambiguous = run("remove", "translate-ar_en-test", "--yes")
    assert ambiguous.exit_code == 1
    assert "matches 2 installed packages" in ambiguous.output
    assert "give its path" in ambiguous.output
    result = run("remove", str(second / "translate-ar_en-test"), "--yes")
    assert result.exit_code == 0, result.output
    assert everything(second) == [] and everything(argos_home) == ["translate-ar_en-test"]


def test_remove_a_broken_package_by_name(argos_package, argos_home):
    """An ar→en package that cannot be read keeps builds from any model: ``remove`` does not
    guess it is the one to remove, but removes it by name, as the error says; a folder that
    lost its metadata.json (a package half deleted by hand) too."""
    assert run("install", str(argos_package)).exit_code == 0
    bad = argos_home / "translate-ar_en-bad"
    bad.mkdir()
    (bad / "metadata.json").write_text("{not json", encoding="utf-8")
    (argos_home / "translate-ar_en-half").mkdir()
    unsaid = run("remove", "--yes")
    said = " ".join(unsaid.output.split())
    assert unsaid.exit_code == 1
    assert "no package is used, to remove by default" in said
    assert "`digest model remove translate-ar_en-bad`" in said
    result = run("remove", "translate-ar_en-bad", "--yes")
    assert result.exit_code == 0, result.output
    assert f"Builds will now use {argos_home / 'translate-ar_en-test'}" in result.output
    assert run("remove", "translate-ar_en-half", "--yes").exit_code == 0
    assert everything(argos_home) == ["translate-ar_en-test"]


def test_a_remove_cut_short_leaves_no_package_that_looks_installed(
    argos_package, argos_home, tmp_path
):
    """``remove`` renames the package aside (hidden) before deleting it: what a remove cut
    short leaves is never used, ``status`` names it, and removing another package of that
    name clears it."""
    import shutil

    newer = install_two_versions(argos_package, tmp_path)
    aside = argos_home / ".translate-ar_en-2_0.removing"
    (argos_home / "translate-ar_en-2_0").rename(aside)  # where the remove stopped
    shutil.rmtree(aside / "model")  # part way through deleting it
    status = run("status")
    assert status.exit_code == 0, status.output
    assert status.output.splitlines()[0] == "package:  Arabic → English (ar→en), version 1.0"
    assert "left over from an install or a remove cut short" in listed(status.output)[aside.name]
    assert run("install", str(newer)).exit_code == 0
    assert run("remove", "2.0", "--yes").exit_code == 0
    assert everything(argos_home) == ["translate-ar_en-test"]


def test_remove_from_a_folder_that_cannot_be_written_says_so(argos_package, argos_home):
    """A packages folder the user cannot write: the remove says so and what to do, not a
    traceback, and the package stays installed."""
    import os
    import subprocess
    import sys

    from conftest import read_only

    assert run("install", str(argos_package)).exit_code == 0
    command = [sys.executable, "-m", "digest", "model", "remove", "--yes"]
    with read_only(argos_home) as prefix:
        done = subprocess.run([*prefix, *command], capture_output=True, text=True, env=os.environ)
    said = " ".join(done.stderr.split())
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot remove {argos_home / 'translate-ar_en-test'}: " in said
    assert "nothing was removed" in said
    assert f"Remove it as a user who can write to {argos_home}" in said
    assert everything(argos_home) == ["translate-ar_en-test"]
    assert run("status").exit_code == 0


def test_removing_and_installing_again_retranslates_nothing(argos_package, argos_home, tmp_path):
    """The translation cache outlives a removed package: without it the site keeps the
    English the package made (its pages and feed items as they were; a new report waits
    for a model), and with it installed again nothing is translated anew."""
    import shutil

    from digest.build import Project, build_site
    from digest.translate import KEPT_NOTE

    site = tmp_path / "site-root"
    shutil.copytree(Path(__file__).parent / "fixtures" / "seeds", site / "content")
    assert run("install", str(argos_package)).exit_code == 0
    assert build_site(Project.at(site)).translated > 0

    def english_pages() -> dict[Path, bytes]:
        return {p: p.read_bytes() for p in sorted((site / "site" / "en").rglob("*.html"))}

    english, feed = english_pages(), (site / "site" / "en" / "feed.xml").read_bytes()
    assert b"-untranslated</guid>" not in feed
    assert run("remove", "--yes").exit_code == 0
    without = build_site(Project.at(site))
    assert without.translated == 0
    assert any("model install" in w and KEPT_NOTE in w for w in without.warnings), without.warnings
    assert english_pages() == english
    assert (site / "site" / "en" / "feed.xml").read_bytes() == feed
    # a report added meanwhile has no English until a model comes
    other = sorted((Path(__file__).parent / "fixtures" / "grouping" / "trial2").glob("*.txt"))[0]
    shutil.copy(other, site / "content" / "new.txt")
    build_site(Project.at(site))
    assert b"-untranslated</guid>" in (site / "site" / "en" / "feed.xml").read_bytes()
    (site / "content" / "new.txt").unlink()
    assert run("install", str(argos_package)).exit_code == 0
    again = build_site(Project.at(site))
    assert again.translated == 0 and again.cached > 0
    assert english == english_pages()
    # without the cache either, the site is built without translations
    assert run("remove", "--yes").exit_code == 0
    (site / ".digest-cache" / "translations.sqlite").unlink()
    bare = build_site(Project.at(site))
    assert not any(KEPT_NOTE in w for w in bare.warnings)
    assert b"-untranslated</guid>" in (site / "site" / "en" / "feed.xml").read_bytes()
