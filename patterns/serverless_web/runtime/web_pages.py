"""Shared by the handlers: the item schema (validated before any write) and the page template.

Standard library only, so that the Lambda functions need no bundling.
"""

from __future__ import annotations

import html
import re
from typing import Any

ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
"""Item ids are URL slugs: 1-64 lower-case letters, digits and inner hyphens (they become S3 keys)."""

TITLE_MAX = 200
BODY_MAX = 10_000
FIELDS = {"title", "body"}


def valid_id(item_id: Any) -> bool:
    # fullmatch, not match: "$" also matches before a trailing newline ("hello\n" would pass).
    return isinstance(item_id, str) and ID_PATTERN.fullmatch(item_id) is not None


def item_problems(item_id: Any, document: Any) -> list[str]:
    """Every reason why ``document`` may not be stored under ``item_id`` (empty when it may)."""
    problems = []
    if not valid_id(item_id):
        problems.append("id must be 1-64 lower-case letters, digits and inner hyphens")
    if not isinstance(document, dict):
        return [*problems, "body must be a JSON object"]
    unknown = sorted(set(document) - FIELDS)
    if unknown:
        problems.append(f"unknown fields: {', '.join(unknown)}")
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append("title must be a non-empty string")
    elif len(title) > TITLE_MAX:
        problems.append(f"title must be at most {TITLE_MAX} characters")
    body = document.get("body", "")
    if not isinstance(body, str):
        problems.append("body must be a string")
    elif len(body) > BODY_MAX:
        problems.append(f"body must be at most {BODY_MAX} characters")
    return problems


def render_page(item: dict[str, Any]) -> str:
    """The HTML page of one item; every value from the table is escaped."""
    title = html.escape(str(item.get("title", "")))
    paragraphs = "\n".join(
        f"    <p>{html.escape(p)}</p>" for p in str(item.get("body", "")).split("\n\n") if p.strip()
    )
    updated = html.escape(str(item.get("updated_at", "")))
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"  <title>{title}</title>\n"
        "</head>\n"
        "<body>\n"
        "  <article>\n"
        f"    <h1>{title}</h1>\n"
        f"{paragraphs}\n"
        f'    <footer><time datetime="{updated}">{updated}</time></footer>\n'
        "  </article>\n"
        "</body>\n"
        "</html>\n"
    )
