"""Domain-name helpers: normalising, comparing and checking the names that DNS patterns take."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .._core import Problems, is_domain_name, is_token

_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_NAME_CHARS = re.compile(r"[^A-Za-z0-9-]+")


def normalise(domain: str) -> str:
    """``Corp.Example.COM.`` -> ``corp.example.com``: how names compare (DNS is case-insensitive)."""
    return domain.rstrip(".").lower()


def is_under(name: str, parent: str) -> bool:
    """True when ``name`` is a strict sub-domain of ``parent`` (``a.corp.example.com`` under ``corp.example.com``)."""
    return normalise(name).endswith("." + normalise(parent))


def is_record_name(value: str) -> bool:
    """A record name: a host name of one or more labels, optionally starting with a ``*`` wildcard label."""
    name = value.rstrip(".")
    if not name or len(name) > 253:
        return False
    labels = name.split(".")
    if labels[0] == "*":
        labels = labels[1:]
    return all(_LABEL.match(label) for label in labels)


def resource_name(prefix: str, domain: str) -> str:
    """A Route 53 Resolver name (letters, digits, hyphens, at most 64) for ``domain``: ``fwd-corp-example-com``."""
    return f"{prefix}-{_NAME_CHARS.sub('-', normalise(domain))}"[:64].rstrip("-")


def check_domains(problems: Problems, argument: str, domains: Sequence[str]) -> list[str]:
    """Check each name of ``domains`` and that none repeats; return the valid ones, normalised (tokens skipped)."""
    valid: list[str] = []
    for index, domain in enumerate(domains):
        if is_token(domain):
            continue
        if not is_domain_name(domain):
            problems.add(
                f"{argument}[{index}]",
                domain,
                "not a valid domain name (letters, digits and hyphens in dot-separated labels)",
            )
            continue
        name = normalise(domain)
        if name in valid:
            problems.add(f"{argument}[{index}]", domain, "is listed twice")
            continue
        valid.append(name)
    return valid


GENERIC_TOP_LEVEL_DOMAINS = frozenset(
    {"com", "net", "org", "info", "biz", "io", "dev", "app", "cloud", "edu", "gov", "mil", "int"}
)
"""Top-level domains that end a fully qualified name, never a relative record name."""


def record_outside_zone(record_name: str, zone_name: str) -> str | None:
    """Why ``record_name`` does not name a record in ``zone_name``, or None when it does.

    Route 53 (through CDK) reads a name ending in ``.`` or in the zone's name as fully qualified and
    appends the zone's name to any other, so ``www.example.org`` in ``example.com`` would silently become
    ``www.example.org.example.com``: a relative name of two labels or more that ends in the zone's
    top-level label or in a generic one (``GENERIC_TOP_LEVEL_DOMAINS``) is refused as a name meant for
    another zone."""
    if is_token(record_name) or is_token(zone_name) or not zone_name:
        return None
    zone = normalise(zone_name)
    name = normalise(record_name)
    inside = name == zone or name.endswith("." + zone)
    if record_name.endswith("."):
        return None if inside else f"is a fully qualified name outside the zone {zone!r}"
    if inside:
        return None
    full = f"{name}.{zone}"
    last = name.rsplit(".", 1)[-1]
    if "." in name and (last == zone.rsplit(".", 1)[-1] or last in GENERIC_TOP_LEVEL_DOMAINS):
        return (
            f"is outside the zone {zone!r}: it would become {full!r}; give a name relative to the zone "
            f"('www') or one that ends in {zone!r}"
        )
    if len(full) > 253:
        return f"{full!r} is longer than the 253 characters DNS allows"
    return None
