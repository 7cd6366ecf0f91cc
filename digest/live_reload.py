"""Live reload for ``digest serve``: a script injected into served pages, and its events.

The dev server injects :data:`LIVE_SCRIPT` before ``</body>`` of every HTML page it serves
(never into the files on disk). The script opens an ``EventSource`` on :data:`EVENTS_PATH`;
the server sends ``hello`` on connect, then ``reload`` after a build that changed the page,
``error`` when a build fails, ``warning`` when a build warns of something an edit did
(a broken ``NAME.en.md``: the page is built, without it) and ``ok`` when that is gone. Each
event carries the page's build number (the build that last changed its file; for a 404, the
file its URL asks for, so that it reloads when that file comes), the error and the warnings:
a page reloads when that number is not the one it was served with, else shows or hides the
overlay (red for an error, yellow for warnings). So an edit reloads the pages it changed,
not every open tab. A tab out of sight closes its connection (a browser allows six per
server) and opens it again when shown, and a page lets go of its own before it reloads.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable, Iterable
from typing import BinaryIO, NamedTuple

EVENTS_PATH = "/__digest/events"
KEEPALIVE = 15.0  # seconds between SSE comments that detect closed connections

LIVE_SCRIPT = """<script id="digest-live-reload">
(() => {
  const build = %(build)s;
  const hide = () => document.getElementById("digest-error")?.remove();
  const show = (message, kind) => {
    hide();
    const box = document.createElement("div");
    box.id = "digest-error";
    box.dataset.kind = kind;
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.dir = "ltr";
    box.style.cssText = %(style)s[kind];
    box.innerHTML = "<strong></strong><pre style='white-space:pre-wrap'></pre>";
    box.firstChild.textContent = %(heading)s[kind];
    box.lastChild.textContent = message;
    document.body.appendChild(box);
  };
  const update = (event) => {
    const state = JSON.parse(event.data);
    // (its own connection let go first: six pages in sight hold all a browser opens, and
    // a reload waiting for one of them would wait forever)
    if (state.build !== build) { disconnect(); location.reload(); }
    else if (state.error) show(state.error, "error");
    else if (state.warning) show(state.warning, "warning");
    else hide();
  };
  // A browser opens six connections at most to one server: a tab out of sight lets go of
  // its own, and on its return "hello" says whether a build changed the page meanwhile.
  let events = null;
  const connect = () => {
    if (events || document.hidden) return;
    events = new EventSource("%(events)s?page=" + encodeURIComponent(%(page)s));
    for (const name of ["hello", "reload", "error", "warning", "ok"]) {
      events.addEventListener(name, update);
    }
  };
  const disconnect = () => { events?.close(); events = null; };
  document.addEventListener("visibilitychange", () => document.hidden ? disconnect() : connect());
  addEventListener("pagehide", disconnect);
  addEventListener("pageshow", connect);
  connect();
})();
</script>
"""
_BOX = (
    "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1rem 1.25rem;font:14px/1.5 ui-monospace,monospace;text-align:left;"
    "box-shadow:0 -4px 16px #0003;"
)
OVERLAY_STYLES = {
    "error": _BOX + "background:#fff4f4;color:#5c0000;border-top:4px solid #c00",
    "warning": _BOX + "background:#fffbe6;color:#3d2e00;border-top:4px solid #b38600",
}
OVERLAY_HEADINGS = {
    "error": "digest: build error; fix it and save.",
    "warning": "digest: built, with a warning about your edit; fix it and save.",
}
OVERLAY = (
    '<div id="digest-error" data-kind="%(kind)s" role="%(role)s" dir="ltr" style="%(style)s">'
    '<strong>%(heading)s</strong><pre style="white-space:pre-wrap">%(message)s</pre></div>\n'
)


class Snapshot(NamedTuple):
    """What a page is served with: the state's version, the build that last changed the
    page (see :meth:`LiveState.build_of`), the error and the warnings (None: none)."""

    version: int
    build: int
    error: str | None
    warning: str | None


class LiveState:
    """The build generation, the current error and warnings, and the SSE clients waiting
    on them."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.build = 0  # bumped after each build that changed files
        self.changed_at: dict[str, int] = {}  # site path -> the build that last changed it
        self.error: str | None = None
        self.warning: str | None = None
        self.version = 0  # bumped on every change of the three above
        self.closed = False

    def publish(
        self,
        *,
        rebuilt: bool,
        error: str | None,
        files: Iterable[str] = (),
        warning: str | None = None,
    ) -> None:
        """A build ended: ``rebuilt`` if it changed ``files`` (site paths), its error and
        the warnings to show."""
        with self.changed:
            if not rebuilt and (error, warning) == (self.error, self.warning):
                return
            self.build += rebuilt
            if rebuilt:
                self.changed_at.update(dict.fromkeys(files, self.build))
            self.error, self.warning = error, warning
            self.version += 1
            self.changed.notify_all()

    def build_of(self, page: str | None) -> int:
        """The build that last changed site file ``page`` (0: none since the server
        started); for None (not a file of the site), the last build that changed any."""
        with self.changed:
            return self.build if page is None else self.changed_at.get(page, 0)

    def moved_past(self, version: int) -> Callable[[], bool]:
        """Predicate for ``changed.wait_for``: a newer state, or closing."""
        return lambda: self.version != version or self.closed

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def snapshot(self, page: str | None = None) -> Snapshot:
        """What ``page`` (a site file) is served with now."""
        with self.changed:
            return Snapshot(self.version, self.build_of(page), self.error, self.warning)


def stream_events(live: LiveState, out: BinaryIO, page: str | None = None) -> None:
    """Write ``live``'s events for site file ``page`` (see :meth:`LiveState.build_of`) to
    ``out`` (an HTTP response body) until it closes."""
    shown = live.snapshot(page)
    try:
        _send_event(out, "hello", shown)
        while True:
            with live.changed:
                live.changed.wait_for(live.moved_past(shown.version), KEEPALIVE)
                if live.closed:
                    return
            now = live.snapshot(page)
            if now.version == shown.version:
                out.write(b": keep-alive\n\n")
                out.flush()
                continue
            if now.build != shown.build:
                name = "reload"
            else:
                name = "error" if now.error else "warning" if now.warning else "ok"
            shown = now
            _send_event(out, name, now)
    except OSError:  # the browser went away
        return


def _send_event(out: BinaryIO, name: str, shown: Snapshot) -> None:
    state = {"build": shown.build, "error": shown.error, "warning": shown.warning}
    data = json.dumps(state, ensure_ascii=False)
    out.write(f"event: {name}\ndata: {data}\n\n".encode())
    out.flush()


def inject(page: bytes, shown: Snapshot, path: str | None = None) -> bytes:
    """``page`` with the live-reload script (and the overlay: the error, else the
    warnings) before ``</body>``; ``path``: its site file, whose changes reload it (None:
    any change does)."""
    snippet = LIVE_SCRIPT % {
        "build": shown.build,
        "events": EVENTS_PATH,
        "page": json.dumps(path or "").replace("<", "\\u003c"),
        "style": json.dumps(OVERLAY_STYLES),
        "heading": json.dumps(OVERLAY_HEADINGS),
    }
    kind = "error" if shown.error else "warning" if shown.warning else None
    if kind is not None:
        box = {
            "kind": kind,
            "role": "alert" if kind == "error" else "status",
            "style": OVERLAY_STYLES[kind],
            "heading": html.escape(OVERLAY_HEADINGS[kind]),
            "message": html.escape(shown.error or shown.warning or ""),
        }
        snippet = OVERLAY % box + snippet
    data = snippet.encode()
    at = page.lower().rfind(b"</body>")
    return page + data if at == -1 else page[:at] + data + page[at:]
