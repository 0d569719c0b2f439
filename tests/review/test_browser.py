"""The headless-Chromium check of the HTML report finds what it is there to find (skipped without Chromium)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from patterns.review.browser import check_page, main

pytestmark = pytest.mark.skipif(
    not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()), reason="no Chromium on this machine"
)

GOOD_NODE = (
    '<svg viewBox="0 0 300 100" width="100%" role="img" aria-label="ok"><g class="node">'
    '<rect x="0" y="0" width="200" height="60"/><text x="10" y="20" font-size="12">Lambda function</text></g></svg>'
)
BAD_NODE = (
    '<svg viewBox="0 0 300 100" width="100%" role="img" aria-label="bad"><g class="node">'
    '<rect x="0" y="0" width="100" height="60"/><text x="10" y="20" font-size="12">'
    'A label far too long for its box</text><text x="10" y="40" font-size="12">cut…</text></g></svg>'
)


def _page(tmp_path: Path, body: str) -> Path:
    page = tmp_path / "page.html"
    page.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")
    return page


def test_labels_out_of_their_box_or_cut_fail_and_only_those(tmp_path):
    problems, labels = check_page(_page(tmp_path, GOOD_NODE + BAD_NODE), width=800)
    assert labels == 3
    assert len(problems) == 2
    assert problems[0].startswith('bad: label "A label far too long for its box" leaves its box (')
    assert problems[1] == 'bad: label "cut…" is cut with an ellipsis'


def test_sideways_overflow_fails(tmp_path, capsys):
    page = _page(tmp_path, '<h2>Wide</h2><table><tr><td style="min-width:1500px">x</td></tr></table>')
    assert main([str(page), "--width", "800"]) == 1
    out = capsys.readouterr().out
    assert "page overflows sideways" in out and "Wide: a table" in out
