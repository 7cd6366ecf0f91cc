"""Build the sample site into /dev/shm and take PNG screenshots with headless Chromium.

    python bench/screenshots.py [--out /dev/shm/digest-screenshots] [--dark]

Shoots the Arabic front page and an English story page at 375 px (phone) and 1280 px
(desktop) wide, full page, and checks each for horizontal overflow (content wider than the
viewport), which it prints. Look at the PNGs: RTL alignment, readable Arabic, no overflow.
Needs /usr/bin/chromium and Arabic fonts (Debian: fonts-noto-core).
"""

from __future__ import annotations

import argparse
import functools
import shutil
import subprocess
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

from digest.build import Project, build_site

REPO = Path(__file__).resolve().parent.parent
WIDTHS = (375, 1280)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > width + 1 || r.left < -1);
  });
  return {scroll: document.documentElement.scrollWidth, width,
          wide: wide.slice(0, 5).map(e => e.tagName + '.' + e.className)};
}"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def build_sample(root: Path) -> Path:
    shutil.copytree(REPO / "content", root / "content")
    build_site(Project.at(root))  # with its search bundle
    return root / "site"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/dev/shm/digest-screenshots"))
    parser.add_argument("--dark", action="store_true", help="also shoot the dark scheme")
    parser.add_argument("--all", action="store_true", help="also the other front and story page")
    args = parser.parse_args()
    fonts = subprocess.run(["fc-list", ":lang=ar", "family"], capture_output=True, text=True)
    print("Arabic fonts:", ", ".join(sorted(set(fonts.stdout.split("\n")) - {""})) or "none")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
        site = build_sample(Path(tmp))
        story = sorted((site / "en" / "stories").glob("*/index.html"))[0].parent
        story_path = story.relative_to(site).as_posix() + "/"
        targets = {"ar-front": "ar/", "en-story": story_path}
        if args.all:
            targets |= {
                "en-front": "en/",
                "ar-story": "ar" + story_path[2:],
                "ar-search": "ar/search/?q=بوتين",
            }
        handler = functools.partial(_Quiet, directory=str(site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        schemes = ["light", "dark"] if args.dark else ["light"]
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                for scheme in schemes:
                    for width in WIDTHS:
                        page = browser.new_page(
                            viewport={"width": width, "height": 900}, color_scheme=scheme
                        )
                        for name, path in targets.items():
                            page.goto(base + path)
                            if "search" in path:
                                page.wait_for_selector(".pagefind-ui__result-link")
                            overflow = page.evaluate(OVERFLOW_JS)
                            suffix = "" if scheme == "light" else "-dark"
                            shot = args.out / f"{name}-{width}{suffix}.png"
                            page.screenshot(path=str(shot), full_page=True)
                            flag = "OVERFLOW" if overflow["scroll"] > overflow["width"] else "ok"
                            print(f"{shot}  {flag} {overflow}")
                        page.close()
                browser.close()
        finally:
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
