"""Serve a built site folder over HTTP, safely, with live reload (see :mod:`digest.live_reload`).

Only regular files inside the folder are served: the URL path is decoded, ``..`` and hidden
names are refused, and the resolved path (symlinks followed) must still be inside the
folder. Folders serve their ``index.html``; anything else gets the site's ``404.html`` with
status 404, but the address of a story the preview showed whose reports are now another's
redirects there (:attr:`SiteServer.story_moves`). A site built for an address with a path
(``https://x.org/digest/``) is also served under that path, as its 404 page links it. HTML,
CSS, JS and XML are sent as UTF-8, feeds as ``application/rss+xml``.
"""

from __future__ import annotations

import mimetypes
import socket
import sys
import urllib.parse
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from digest.live_reload import EVENTS_PATH, LiveState, inject, stream_events

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}

FALLBACK_404 = b"<!DOCTYPE html><html><head><meta charset=utf-8><title>404</title></head>"
FALLBACK_404 += b"<body><h1>404 Not Found</h1></body></html>\n"


def content_type(path: Path) -> str:
    """Content-Type of a site file: UTF-8 text types, RSS for feeds."""
    if path.name.endswith("feed.xml") or path.suffix == ".rss":
        return "application/rss+xml; charset=utf-8"
    return (
        TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def locate(output: Path, url_path: str) -> Path | str | None:
    """The file for ``url_path``, a redirect target (str: the folder's path with its
    slash) for a folder asked without it, or None (404)."""
    try:
        path = urllib.parse.unquote(url_path, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\0" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if any(part == ".." or part.startswith(".") for part in parts):
        return None
    root = output.resolve()
    target = root.joinpath(*parts).resolve()
    if not target.is_relative_to(root):
        return None  # a symlink out of the site
    if target.is_dir():
        if not path.endswith("/"):
            return urllib.parse.quote(path + "/")
        target = (target / "index.html").resolve()
        if not target.is_relative_to(root):
            return None
    return target if target.is_file() else None


def wanted_file(url_path: str) -> str:
    """The site file a URL asks for (``ar/stories/x/`` -> ``ar/stories/x/index.html``; a
    last segment without a dot is a folder asked without its slash)."""
    path = urllib.parse.unquote(url_path).lstrip("/")
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path if "." in path.rsplit("/", 1)[-1] else path + "/index.html"


class SiteServer(ThreadingHTTPServer):
    """Serves ``output``; ``live`` is the live-reload state shared with the builder."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], output: Path, live: LiveState) -> None:
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.output = output
        self.live = live
        self.base_path = "/"  # the path of the site's own address (digest.toml's base_url)
        # story ID -> the ID of the story that has its reports now, for addresses with no
        # page (see digest.build.Builder.draft_moves); replaced whole after each build
        self.story_moves: Mapping[str, str] = {}
        super().__init__(address, SiteRequestHandler)

    def moved_to(self, url_path: str) -> str | None:
        """The path of the story that has the reports of the story at ``url_path`` (a
        site path: ``/ar/stories/<id>/...``), if it went there; else None."""
        parts = url_path.split("/")  # "", lang, "stories", id, ...
        if len(parts) > 3 and parts[2] == "stories" and parts[3] in (moves := self.story_moves):
            return "/".join([*parts[:3], moves[parts[3]], *parts[4:]])
        return None

    def site_path(self, url_path: str) -> str:
        """The URL path as a path in the site: as asked, or, when nothing is there, without
        the base path the site is built for (``/digest/static/style.css`` on a 404 page,
        which links from the site's root as it will be published)."""
        base = self.base_path
        if base != "/" and url_path.startswith(base) and locate(self.output, url_path) is None:
            return "/" + url_path[len(base) :]
        return url_path

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that went away mid-answer (a reload during a burst of saves) is
        nobody's error; anything else is printed as the standard server prints it."""
        if isinstance(sys.exception(), ConnectionError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class SiteRequestHandler(BaseHTTPRequestHandler):
    """GET/HEAD for files of the output folder, plus the live-reload event stream."""

    server: SiteServer

    def log_message(self, format: str, *args: object) -> None:
        pass  # the dev server prints one line per rebuild, not per request

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def do_GET(self) -> None:
        if urllib.parse.urlsplit(self.path).path == EVENTS_PATH:
            self._events()
        else:
            self._respond(head=False)

    def _respond(self, *, head: bool) -> None:
        asked = urllib.parse.urlsplit(self.path)
        if asked.path + "/" == self.server.base_path:  # the site's address without its slash
            self._redirect(asked.path + "/", asked.query)
            return
        url_path = self.server.site_path(asked.path)
        wanted = wanted_file(url_path)
        missing = self.server.live.snapshot(wanted)  # before looking: see LIVE_SCRIPT
        found = locate(self.server.output, url_path)
        page = None
        if isinstance(found, Path):
            page = found.relative_to(self.server.output.resolve()).as_posix()
        shown = self.server.live.snapshot(page)  # before reading: see LIVE_SCRIPT
        status = HTTPStatus.OK
        if isinstance(found, str):  # a folder asked without its trailing slash
            self._redirect(asked.path + "/", asked.query)
            return
        data = None
        if found is not None:
            try:
                data = found.read_bytes()
            except OSError:
                found = None
        if found is None and (moved := self.server.moved_to(url_path)) is not None:
            # a story the preview showed here is part of another now: follow its reports
            prefix = asked.path[: len(asked.path) - len(url_path)]  # a base path it came under
            self._redirect(prefix + moved, asked.query, HTTPStatus.TEMPORARY_REDIRECT)
            return
        if found is None or data is None:
            status = HTTPStatus.NOT_FOUND
            page = wanted  # the 404 page reloads when this file comes (back)
            shown = missing
            found = self.server.output / "404.html"
            try:
                data = found.read_bytes()
            except OSError:
                data = FALLBACK_404
        kind = content_type(found)
        if kind.startswith("text/html"):
            data = inject(data, shown, page)
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _redirect(
        self, path: str, query: str, status: HTTPStatus = HTTPStatus.MOVED_PERMANENTLY
    ) -> None:
        """To ``path`` (a folder's address with its slash, or where a story went),
        keeping the query (a search)."""
        self.send_response(status)
        self.send_header("Location", path + (f"?{query}" if query else ""))
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        page = query.get("page", [""])[0] or None
        stream_events(self.server.live, self.wfile, page)
