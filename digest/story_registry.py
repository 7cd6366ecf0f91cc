"""The story registry: which story each article belongs to, kept between builds.

Stored as ``digest-stories.json`` at the site root and meant to be committed with the
content (like a lockfile), it is what keeps story IDs, URLs and feed GUIDs stable when
articles join a story or unrelated articles are added.
"""

from __future__ import annotations

import json
from pathlib import Path

from digest.output import write_atomically

REGISTRY_FILE = "digest-stories.json"


class RegistryError(ValueError):
    """The registry file exists but cannot be used."""


def load_registry(path: Path) -> dict[str, str]:
    """Article source path -> story id; empty when there is no registry yet."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RegistryError(
            f"{path.name} is not valid JSON ({exc}); fix it or restore it from version control"
        ) from None
    stories = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(stories, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in stories.items()
    ):
        raise RegistryError(f'{path.name} must hold {{"articles": {{source: story id}}}}')
    return stories


def save_registry(path: Path, index: dict[str, str]) -> None:
    """Write the registry atomically, only if it changed."""
    text = (
        json.dumps({"articles": dict(sorted(index.items()))}, ensure_ascii=False, indent=1) + "\n"
    )
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    write_atomically(path, text.encode("utf-8"))
