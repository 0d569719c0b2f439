"""Check the HTML report in a headless Chromium, and take its screenshot.

``python -m patterns.review.browser cdk.out/review/index.html [--width 1400 ...] [--screenshot out.png]``
renders the page at each width and fails (exit 1) when the page or a diagram overflows sideways, a table
cell is wider than its column, or a diagram label leaves its box or is cut with an ellipsis. Exit 2 when no
Chromium is installed (``CHROMIUM`` names one; else ``chromium``, ``chromium-browser``, ``google-chrome``).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

CHECK_SCRIPT = r"""
<script>
(() => {
  const problems = [];
  const root = document.documentElement;
  const where = (el) => {
    const svg = el.closest('svg');
    if (svg && svg.getAttribute('aria-label')) return svg.getAttribute('aria-label');
    for (let node = el; node; node = node.previousElementSibling || node.parentElement) {
      if (node.tagName === 'H2') return node.textContent.trim();
    }
    return 'page';
  };
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`page overflows sideways: ${root.scrollWidth}px wide in a ${root.clientWidth}px window`);
  }
  document.querySelectorAll('.diagram, table, pre, nav, svg[role=img]').forEach((el) => {
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${where(el)}: a ${el.tagName.toLowerCase()} overflows: ${el.scrollWidth}px > ${el.clientWidth}px`);
    }
    const right = el.getBoundingClientRect().right;
    if (right > root.clientWidth + 1) {
      const head = el.tagName === 'TABLE' ? ` (${[...el.querySelectorAll('th')].map((th) => th.textContent).join(' | ')})` : '';
      problems.push(`${where(el)}: a ${el.tagName.toLowerCase()}${head} ends at ${Math.round(right)}px, past the ${root.clientWidth}px window`);
    }
  });
  document.querySelectorAll('td, th').forEach((cell) => {
    if (cell.scrollWidth > cell.clientWidth + 1) {
      problems.push(`${where(cell)}: table cell "${cell.textContent.slice(0, 60)}" is cut (${cell.scrollWidth}px > ${cell.clientWidth}px)`);
    }
  });
  let labels = 0;
  document.querySelectorAll('svg g.node').forEach((g) => {
    const box = g.querySelector('rect').getBBox();
    g.querySelectorAll('text').forEach((t) => {
      labels += 1;
      const b = t.getBBox();
      const text = t.textContent;
      if (text.includes('\u2026') || text.endsWith('...')) {
        problems.push(`${where(g)}: label "${text}" is cut with an ellipsis`);
      }
      if (b.x < box.x + 2 || b.x + b.width > box.x + box.width - 4 || b.y + b.height > box.y + box.height + 1) {
        problems.push(`${where(g)}: label "${text}" leaves its box (${Math.round(b.x + b.width - box.x - box.width + 4)}px past the right padding)`);
      }
    });
  });
  const out = document.createElement('pre');
  out.id = 'review-check';
  out.textContent = JSON.stringify({problems, labels, width: root.clientWidth});
  document.body.appendChild(out);
})();
</script>
"""


class NoBrowser(Exception):
    pass


def find_chromium() -> str:
    """The Chromium to run: ``$CHROMIUM``, else the first of chromium, chromium-browser, google-chrome on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if found := shutil.which(name):
            return found
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    raise NoBrowser("no Chromium found: install one (Debian: apt-get install chromium) or set CHROMIUM")


def _run(args: list[str], profile: str) -> str:
    command = [find_chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"chromium failed ({result.returncode}): {result.stderr.strip()[-400:]}")
    return result.stdout


def check_page(page: str | Path, width: int = 1400, height: int = 900) -> tuple[list[str], int]:
    """Problems found rendering ``page`` at ``width`` pixels, and the number of diagram labels measured."""
    source = Path(page).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="review-check-") as tmp:
        checked = Path(tmp) / "page.html"
        checked.write_text(source.replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
        dom = _run(
            [f"--window-size={width},{height}", "--dump-dom", checked.as_uri()], str(Path(tmp) / "profile")
        )
    match = re.search(r'<pre id="review-check">(.*?)</pre>', dom, re.S)
    if not match:
        return ["the check script did not run (no result in the rendered page)"], 0
    result = json.loads(html.unescape(match.group(1)))
    return list(result["problems"]), int(result["labels"])


def screenshot(page: str | Path, png: str | Path, width: int = 1400, height: int = 2000) -> Path:
    """A PNG of the top ``height`` pixels of ``page`` rendered ``width`` pixels wide."""
    target = Path(png).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="review-shot-") as tmp:
        _run(
            [f"--window-size={width},{height}", f"--screenshot={target}", Path(page).resolve().as_uri()],
            str(Path(tmp) / "profile"),
        )
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m patterns.review.browser", description=__doc__.split("\n")[0]
    )
    parser.add_argument("page", nargs="?", default="cdk.out/review/index.html")
    parser.add_argument(
        "--width", type=int, action="append", help="window width in px (repeatable; default 1400)"
    )
    parser.add_argument("--screenshot", help="also write a PNG of the top of the page here")
    parser.add_argument("--height", type=int, default=2000, help="screenshot height in px")
    args = parser.parse_args(argv)
    if not Path(args.page).is_file():
        print(f"review-check: {args.page}: no such file; run `make review` first", file=sys.stderr)
        return 2
    try:
        failed = False
        for width in args.width or [1400]:
            problems, labels = check_page(args.page, width)
            print(f"{args.page} at {width}px: {labels} diagram labels measured, {len(problems)} problem(s)")
            for problem in problems:
                print(f"  {problem}")
            failed = failed or bool(problems)
        if args.screenshot:
            print(screenshot(args.page, args.screenshot, args.width[0] if args.width else 1400, args.height))
    except NoBrowser as error:
        print(f"review-check: {error}", file=sys.stderr)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
