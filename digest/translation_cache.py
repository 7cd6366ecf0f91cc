"""A persistent translation cache: SQLite in the site's cache folder.

Rows are keyed by the model's identity and the whitespace-normalised Arabic sentence, so a
rebuild translates only sentences it has never seen with this model, and installing another
model invalidates every row (a different key) without deleting the old ones. The database is
in WAL mode with a busy timeout, so concurrent builds can read and write it at once, and each
batch is committed as soon as it is translated, so a crash loses nothing already translated.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from digest.output import make_cache_dir

DB_NAME = "translations.sqlite"
BUSY_TIMEOUT_S = 60.0
_SQL_CHUNK = 500  # parameters per IN (...) query, well under SQLite's limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    model TEXT NOT NULL,
    source TEXT NOT NULL,
    english TEXT NOT NULL,
    PRIMARY KEY (model, source)
) WITHOUT ROWID;
DROP TABLE IF EXISTS text_translations;
CREATE TABLE IF NOT EXISTS text_english (
    model TEXT NOT NULL,
    digest BLOB NOT NULL,
    english TEXT NOT NULL,
    sentences BLOB NOT NULL,
    PRIMARY KEY (model, digest)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS last_model (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    model TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS file_digests (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL
);
"""


def normalise(sentence: str) -> str:
    """The cache key of a sentence: whitespace runs collapsed, ends stripped, letters untouched."""
    return " ".join(sentence.split())


def text_digest(text: str) -> bytes:
    """The key of a whole text in the cache."""
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


SENTENCE_DIGEST_SIZE = 8


def sentence_digests(sentences: Iterable[str]) -> bytes:
    """Short digests of (normalised) sentences, concatenated: which sentences a cached text
    holds, to count the distinct sentences a build took from the cache."""
    return b"".join(
        hashlib.blake2b(s.encode(), digest_size=SENTENCE_DIGEST_SIZE).digest() for s in sentences
    )


def split_digests(joined: bytes) -> set[bytes]:
    """The set of digests in :func:`sentence_digests`' output."""
    size = SENTENCE_DIGEST_SIZE
    return {joined[i : i + size] for i in range(0, len(joined), size)}


class CacheUnusableError(RuntimeError):
    """The cache file cannot be read or written; the message says why and what to do."""


class CacheDamagedError(CacheUnusableError):
    """The cache file is not a database SQLite can read (a disk fault, a bad copy)."""


_DAMAGE = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
_LOCKED = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


@contextlib.contextmanager
def damage_named(cache_dir: Path) -> Iterator[None]:
    """Turn SQLite's errors within into a :class:`CacheUnusableError` that names the file
    and what to do. A damaged file ("file is not a database") is left as it is (the
    translations it still holds may be recovered from it); one that cannot be written (a
    read-only folder or mount, another user's file, a full disk) or that another process
    holds locked is no damage, and the message says so rather than to delete it."""
    path = cache_dir / DB_NAME
    try:
        yield
    except sqlite3.DatabaseError as exc:
        code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF  # the primary code
        if code in _LOCKED or "locked" in str(exc):
            raise CacheUnusableError(
                f"the translation cache {path} is locked by another process (waited "
                f"{BUSY_TIMEOUT_S:.0f} s): close what holds it open (a database browser, a "
                "stuck build), and build again"
            ) from None
        if code and code not in _DAMAGE:
            raise CacheUnusableError(
                f"the translation cache {path} cannot be used ({exc}): check that this user "
                f"can write to {cache_dir} and the files in it, and that the disk has room, "
                "and build again"
            ) from None
        raise CacheDamagedError(
            f"the translation cache {path} is damaged ({exc}): move it aside "
            "or delete it, and build again (the translations it held are then made again)"
        ) from None


def _retry_while_locked(statement: Callable[[], object]) -> None:
    """Run ``statement``, retrying while another process holds the database.

    Switching to WAL needs a moment of exclusive access, and SQLite answers "database is
    locked" at once (without its busy handler) when another connection is doing the same.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class TranslationCache:
    """English for (model, sentence) pairs, shared by every build of a site."""

    def __init__(self, cache_dir: Path) -> None:
        make_cache_dir(cache_dir)
        self.path = cache_dir / DB_NAME
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        _retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode = WAL"))
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._db.executescript(_SCHEMA)

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _transaction(self) -> _Transaction:
        """``with cache._transaction():`` runs the block in one write transaction."""
        return _Transaction(self._db)

    def lookup(self, model: str, sentences: Iterable[str]) -> dict[str, str]:
        """The cached English of those (normalised) sentences that have one."""
        keys = list(dict.fromkeys(sentences))
        found: dict[str, str] = {}
        for i in range(0, len(keys), _SQL_CHUNK):
            chunk = keys[i : i + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT source, english FROM translations WHERE model = ? AND source IN ({marks})",
                [model, *chunk],
            )
            found.update(rows)
        return found

    def lookup_texts(self, model: str, texts: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """Whole texts seen before: their English and their sentences' digests
        (:func:`sentence_digests`).

        A text's English is its sentences' English joined as :func:`translate_texts` joins
        them, so a build of known texts needs neither the sentence splitter nor a row per
        sentence. Rows are keyed by a digest of the text: reading back long Arabic keys
        cost more than the English itself.
        """
        by_digest = {text_digest(text): text for text in texts}
        keys = list(by_digest)
        found: dict[str, tuple[str, bytes]] = {}
        query = "SELECT digest, english, sentences FROM text_english WHERE model = ? AND "
        for i in range(0, len(keys), _SQL_CHUNK):
            chunk = keys[i : i + _SQL_CHUNK]
            marks = ",".join("?" * len(chunk))
            for digest, english, sentences in self._db.execute(
                f"{query}digest IN ({marks})", [model, *chunk]
            ):
                found[by_digest[digest]] = (english, sentences)
        return found

    def store_texts(self, model: str, texts: Mapping[str, tuple[str, bytes]]) -> None:
        """Save whole texts' English and their sentences' digests (:func:`sentence_digests`;
        see :meth:`lookup_texts`)."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO text_english (model, digest, english, sentences) "
                "VALUES (?, ?, ?, ?)",
                [
                    (model, text_digest(text), english, digests)
                    for text, (english, digests) in texts.items()
                ],
            )

    def store(self, model: str, english: Mapping[str, str]) -> None:
        """Save translations (normalised source -> English) and commit them at once."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO translations (model, source, english) VALUES (?, ?, ?)",
                [(model, source, text) for source, text in english.items()],
            )

    def remember_model(self, model: str) -> None:
        """Note ``model`` as the one this site's texts were last translated with."""
        if self.last_model() != model:
            with self._transaction():
                self._db.execute(
                    "INSERT OR REPLACE INTO last_model (id, model) VALUES (0, ?)", (model,)
                )

    def last_model(self) -> str | None:
        """The model this site's texts were last translated with (:meth:`remember_model`)."""
        row = self._db.execute("SELECT model FROM last_model WHERE id = 0").fetchone()
        return None if row is None else str(row[0])

    def count(self, model: str | None = None) -> int:
        """How many translations are cached (for one model, or for all)."""
        if model is None:
            return self._db.execute("SELECT count(*) FROM translations").fetchone()[0]
        query = "SELECT count(*) FROM translations WHERE model = ?"
        return self._db.execute(query, (model,)).fetchone()[0]

    def file_digest(self, path: Path) -> str:
        """SHA-256 of a file, recomputed only when its size or modification time changes."""
        stat = path.stat()
        key = str(path.resolve())
        row = self._db.execute(
            "SELECT sha256 FROM file_digests WHERE path = ? AND size = ? AND mtime_ns = ?",
            (key, stat.st_size, stat.st_mtime_ns),
        ).fetchone()
        if row:
            return row[0]
        digest = _sha256(path)
        with self._transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO file_digests (path, size, mtime_ns, sha256) "
                "VALUES (?, ?, ?, ?)",
                (key, stat.st_size, stat.st_mtime_ns, digest),
            )
        return digest


def model_identity(cache: TranslationCache, files: Sequence[tuple[str, Path]], extra: str) -> str:
    """A key that changes when any of the model's files (name, content) or ``extra`` changes."""
    h = hashlib.sha256(extra.encode())
    for name, path in sorted(files):
        h.update(f"\0{name}\0{cache.file_digest(path)}".encode())
    return h.hexdigest()[:32]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (or ROLLBACK on error) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
