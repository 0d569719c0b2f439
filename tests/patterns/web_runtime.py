"""The serverless web handlers, imported as Lambda imports them (shared by their test files)."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def load(name: str) -> ModuleType:
    """A handler module under its package name (so that mutation testing can follow its functions), with
    ``web_pages`` importable by that name, as Lambda imports it (the handler's folder on sys.path)."""
    if "web_pages" not in sys.modules:
        sys.modules["web_pages"] = importlib.import_module("patterns.serverless_web.runtime.web_pages")
    return importlib.import_module(f"patterns.serverless_web.runtime.{name}")


api = load("api")
renderer = load("renderer")
web_pages = load("web_pages")
