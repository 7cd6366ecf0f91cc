"""Live reload for ``digest serve``: a script injected into served pages, and its events.

The dev server injects :data:`LIVE_SCRIPT` before ``</body>`` of every HTML page it serves
(never into the files on disk). The script opens an ``EventSource`` on :data:`EVENTS_PATH`;
the server sends ``hello`` on connect, then ``reload`` after a build that changed files,
``error`` when a build fails and ``ok`` when the error is gone. Each event carries the
build number and the error: a page reloads when the build number is not the one it was
served with, else shows or hides the error overlay.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Callable
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
    box.innerHTML = "<strong>digest: build error (the site shows its last good version)</strong>";
    const pre = document.createElement("pre");
    pre.style.whiteSpace = "pre-wrap";
    pre.textContent = message;
    box.appendChild(pre);
  };
  const hide = () => document.getElementById("digest-error")?.remove();
  const events = new EventSource("%(events)s");
  const update = (event) => {
    const state = JSON.parse(event.data);
    if (state.build !== build) location.reload();
    else if (state.error) show(state.error);
    else hide();
  };
  for (const name of ["hello", "reload", "error", "ok"]) events.addEventListener(name, update);
})();
</script>
"""
OVERLAY_STYLE = (
    "position:fixed;inset:auto 0 0 0;max-height:70vh;overflow:auto;z-index:2147483647;"
    "margin:0;padding:1rem 1.25rem;background:#fff4f4;color:#5c0000;border-top:4px solid "
    "#c00;font:14px/1.5 ui-monospace,monospace;text-align:left;box-shadow:0 -4px 16px #0003"
)
OVERLAY = (
    '<div id="digest-error" role="alert" dir="ltr" style="%s"><strong>digest: the last '
    'build failed; this is the last good site.</strong><pre style="white-space:pre-wrap">'
    "%s</pre></div>\n"
)


class LiveState:
    """The build generation and the current error, and the SSE clients waiting on them."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.build = 0  # bumped after each build that changed files
        self.error: str | None = None
        self.version = 0  # bumped on every change of the two above
        self.closed = False

    def publish(self, *, rebuilt: bool, error: str | None) -> None:
        with self.changed:
            if not rebuilt and error == self.error:
                return
            self.build += rebuilt
            self.error = error
            self.version += 1
            self.changed.notify_all()

    def moved_past(self, version: int) -> Callable[[], bool]:
        """Predicate for ``changed.wait_for``: a newer state, or closing."""
        return lambda: self.version != version or self.closed

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def snapshot(self) -> tuple[int, int, str | None]:
        with self.changed:
            return self.version, self.build, self.error


def stream_events(live: LiveState, out: BinaryIO) -> None:
    """Write ``live``'s events to ``out`` (an HTTP response body) until it closes."""
    seen, build, error = live.snapshot()
    try:
        _send_event(out, "hello", build, error)
        while True:
            with live.changed:
                live.changed.wait_for(live.moved_past(seen), KEEPALIVE)
                if live.closed:
                    return
                version, new_build, error = live.version, live.build, live.error
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


def inject(page: bytes, build: int, error: str | None) -> bytes:
    """``page`` with the live-reload script (and the error overlay) before ``</body>``."""
    snippet = LIVE_SCRIPT % {
        "build": build,
        "events": EVENTS_PATH,
        "style": json.dumps(OVERLAY_STYLE),
    }
    if error:
        snippet = OVERLAY % (OVERLAY_STYLE, html.escape(error)) + snippet
    data = snippet.encode()
    at = page.lower().rfind(b"</body>")
    return page + data if at == -1 else page[:at] + data + page[at:]
