"""Live reload for ``digest serve``: a script injected into served pages, and its events.

The dev server injects :data:`LIVE_SCRIPT` before ``</body>`` of every HTML page it serves
(never into the files on disk). The script opens an ``EventSource`` on :data:`EVENTS_PATH`;
the server sends ``hello`` on connect, then ``reload`` after a build that changed the page,
``error`` when a build fails and ``ok`` when the error is gone. Each event carries the
page's build number (the build that last changed its file; for a 404, the file its URL
asks for, so that it reloads when that file comes) and the error: a page
reloads when that number is not the one it was served with, else shows or hides the
error overlay. So an edit reloads the pages it changed, not every open tab. A tab out of
sight closes its connection (a browser allows six per server) and opens it again when shown.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable, Iterable
from typing import BinaryIO

EVENTS_PATH = "/__digest/events"
KEEPALIVE = 15.0  # seconds between SSE comments that detect closed connections

LIVE_SCRIPT = """<script id="digest-live-reload">
(() => {
  const build = %(build)s;
  const show = (message) => {
    let box = document.getElementById("digest-error");
    if (!box) {
      box = document.createElement("div");
      box.id = "digest-error";
      box.setAttribute("role", "alert");
      box.dir = "ltr";
      box.style.cssText = %(style)s;
      document.body.appendChild(box);
    }
    box.innerHTML = "<strong>digest: build error; fix it and save.</strong>";
    const pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = message;
    box.appendChild(pre);
  };
  const hide = () => document.getElementById("digest-error")?.remove();
  const update = (event) => {
    const state = JSON.parse(event.data);
    if (state.build !== build) location.reload();
    else if (state.error) show(state.error);
    else hide();
  };
  // A browser opens six connections at most to one server: a tab out of sight lets go of
  // its own, and on its return "hello" says whether a build changed the page meanwhile.
  let events = null;
  const connect = () => {
    if (events || document.hidden) return;
    events = new EventSource("%(events)s?page=" + encodeURIComponent(%(page)s));
    for (const name of ["hello", "reload", "error", "ok"]) events.addEventListener(name, update);
  };
  const disconnect = () => { events?.close(); events = null; };
  document.addEventListener("visibilitychange", () => document.hidden ? disconnect() : connect());
  addEventListener("pagehide", disconnect);
  addEventListener("pageshow", connect);
  connect();
})();
</script>
"""
OVERLAY_STYLE = (
    "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#5c0000;border-top:4px solid "
    "#c00;font:14px/1.5 ui-monospace,monospace;text-align:left;box-shadow:0 -4px 16px #0003"
)
OVERLAY = (
    '<div id="digest-error" role="alert" dir="ltr" style="%s"><strong>digest: build '
    'error; fix it and save.</strong><pre style="white-space:pre-wrap">'
    "%s</pre></div>\n"
)


class LiveState:
    """The build generation and the current error, and the SSE clients waiting on them."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.build = 0  # bumped after each build that changed files
        self.changed_at: dict[str, int] = {}  # site path -> the build that last changed it
        self.error: str | None = None
        self.version = 0  # bumped on every change of the two above
        self.closed = False

    def publish(self, *, rebuilt: bool, error: str | None, files: Iterable[str] = ()) -> None:
        """A build ended: ``rebuilt`` if it changed ``files`` (site paths), and its error."""
        with self.changed:
            if not rebuilt and error == self.error:
                return
            self.build += rebuilt
            if rebuilt:
                self.changed_at.update(dict.fromkeys(files, self.build))
            self.error = error
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

    def snapshot(self, page: str | None = None) -> tuple[int, int, str | None]:
        """The state version, :meth:`build_of` ``page`` and the error."""
        with self.changed:
            return self.version, self.build_of(page), self.error


def stream_events(live: LiveState, out: BinaryIO, page: str | None = None) -> None:
    """Write ``live``'s events for site file ``page`` (see :meth:`LiveState.build_of`) to
    ``out`` (an HTTP response body) until it closes."""
    seen, build, error = live.snapshot(page)
    try:
        _send_event(out, "hello", build, error)
        while True:
            with live.changed:
                live.changed.wait_for(live.moved_past(seen), KEEPALIVE)
                if live.closed:
                    return
                version, new_build, error = live.version, live.build_of(page), live.error
            if version == seen:
                out.write(b": keep-alive\n\n")
                out.flush()
                continue
            name = "reload" if new_build != build else ("error" if error else "ok")
            seen, build = version, new_build
            _send_event(out, name, build, error)
    except OSError:  # the browser went away
        return


def _send_event(out: BinaryIO, name: str, build: int, error: str | None) -> None:
    data = json.dumps({"build": build, "error": error}, ensure_ascii=False)
    out.write(f"event: {name}\ndata: {data}\n\n".encode())
    out.flush()


def inject(page: bytes, build: int, error: str | None, path: str | None = None) -> bytes:
    """``page`` with the live-reload script (and the error overlay) before ``</body>``;
    ``path``: its site file, whose changes reload it (None: any change does)."""
    snippet = LIVE_SCRIPT % {
        "build": build,
        "events": EVENTS_PATH,
        "page": json.dumps(path or "").replace("<", "\\u003c"),
        "style": json.dumps(OVERLAY_STYLE),
    }
    if error:
        snippet = OVERLAY % (OVERLAY_STYLE, html.escape(error)) + snippet
    data = snippet.encode()
    at = page.lower().rfind(b"</body>")
    return page + data if at == -1 else page[:at] + data + page[at:]
