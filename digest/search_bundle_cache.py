"""Search bundles kept by what they were made from, so the same pages are never indexed twice.

Pagefind takes seconds on a big site, and a shard's bundle depends only on what its key says
(:func:`digest.search_index.shard_key`: the pages, what Pagefind reads of them, the letters
folded for it, the binary).
So each shard's bundle files are kept in ``.digest-cache/search/``, under the shard's folder
and key: a deleted site folder, or a fresh checkout in CI with ``.digest-cache/`` restored,
gets its bundles back without running Pagefind. Only the current shards' bundles are kept.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path

from digest.output import write_atomically

CACHE_FOLDER = "search"


class BundleCache:
    """Bundle files (site path -> bytes) by search shard folder and shard key."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = cache_dir / CACHE_FOLDER

    def _path(self, shard: str, key: bytes) -> Path:
        return self.folder / f"{shard.replace('/', '-')}-{key.hex()}.pickle"

    def get(self, shard: str, key: bytes) -> dict[str, bytes] | None:
        """The bundle files kept for this shard and key; None if there are none (or they
        cannot be read: the shard is then indexed again)."""
        try:
            files = pickle.loads(self._path(shard, key).read_bytes())
        except Exception:  # missing, or written by other code: index again
            return None
        if not isinstance(files, dict) or not all(
            isinstance(p, str) and p.startswith(shard + "/") and isinstance(d, bytes)
            for p, d in files.items()
        ):
            return None
        return files

    def put(self, shard: str, key: bytes, files: Mapping[str, bytes]) -> None:
        """Keep a shard's bundle files (written atomically)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self._path(shard, key), pickle.dumps(dict(files), protocol=5))

    def keep_only(self, shards: Iterable[tuple[str, bytes]]) -> None:
        """Remove every kept bundle but those of these (shard, key) pairs."""
        wanted = {self._path(shard, key).name for shard, key in shards}
        try:
            kept = list(self.folder.iterdir())
        except OSError:
            return
        for path in kept:
            if path.suffix == ".pickle" and path.name not in wanted:
                path.unlink(missing_ok=True)
