"""Constructor validation: collect every problem, then raise one ``ValueError`` that names each one.

Usage::

    problems = Problems("SecureNetwork")
    problems.require(max_azs >= 2, "max_azs", max_azs, "must be at least 2")
    problems.cidr("vpc_cidr", vpc_cidr)
    problems.raise_if_any()

Values that are unresolved CDK tokens are skipped: they are only known at deploy time.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from aws_cdk import Token

# RFC 1035/1123 host names: labels of 1-63 letters, digits and hyphens, not starting or ending with a
# hyphen; 253 characters at most. A single trailing dot (fully qualified) is accepted.
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


_STRING_TOKEN_MARKERS = ("${Token[", "#{Token[")
_NUMBER_TOKEN_MAGNITUDE = 1e288  # CDK encodes number tokens as doubles around -1.888e+289


def is_token(value: Any) -> bool:
    """True when ``value`` is (or contains) a CDK token that resolves only at deploy time.

    Plain strings, numbers and lists are checked here without a call across the jsii bridge (the
    encodings are CDK's stable token markers); anything else is asked of ``Token.is_unresolved``.
    """
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, str):
        return any(marker in value for marker in _STRING_TOKEN_MARKERS)
    if isinstance(value, int | float):
        return math.isfinite(value) and abs(value) > _NUMBER_TOKEN_MAGNITUDE
    if isinstance(value, list | tuple):
        return any(is_token(item) for item in value)
    if isinstance(value, dict):
        return Token.is_unresolved(value)
    return False


PRIVATE_NETWORKS: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",  # RFC 1918
        "172.16.0.0/12",  # RFC 1918
        "192.168.0.0/16",  # RFC 1918
        "100.64.0.0/10",  # RFC 6598 shared address space (carrier-grade NAT)
        "169.254.0.0/16",  # link-local
        "127.0.0.0/8",  # loopback
        "0.0.0.0/8",  # "this network"
        "fc00::/7",  # IPv6 unique local addresses
        "fe80::/10",  # IPv6 link-local
        "::1/128",  # IPv6 loopback
    )
)
"""Addresses that are not reachable from the internet and so never belong in public DNS or as a VPN peer."""


def private_network_of(address: str) -> str | None:
    """The private range ``address`` falls in (``"10.0.0.0/8"``), or None for a public address."""
    ip = ipaddress.ip_address(address)
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.1.2.3 is 10.1.2.3 (as the deployed Config rule reads it)
    for network in PRIVATE_NETWORKS:
        if ip.version == network.version and ip in network:
            return str(network)
    return None


def is_domain_name(value: str) -> bool:
    """True for a syntactically valid DNS name of at least two labels (``example.com``)."""
    name = value[:-1] if value.endswith(".") else value
    if not name or len(name) > 253:
        return False
    labels = name.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


class InvalidArgumentsError(ValueError, TypeError):
    """Bad arguments to a construct: every one of them, named as the caller named them, with its value.

    Both a ``ValueError`` and a ``TypeError``: catch either.
    """


class CollectedProblems(Exception):
    """Raised by ``Problems.raise_if_any`` while ``@checked_arguments`` collects the value problems of
    a call whose types are already wrong (so that one error lists both); it never escapes the decorator."""

    def __init__(self, items: list[str]) -> None:
        super().__init__(items)
        self.items = items


COLLECTING: ContextVar[bool] = ContextVar("cdp_patterns_collecting_problems", default=False)


def show(value: Any, limit: int = 300) -> str:
    """``repr(value)``, shortened to ``limit`` characters for an error message; a number token (which
    prints as -1.888e+289) is shown as what it is."""
    if isinstance(value, float) and is_token(value):
        return "<deploy-time number>"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_problems(owner: str, items: Iterable[str]) -> str:
    details = "\n  - ".join(items)
    return f"{owner}: invalid arguments:\n  - {details}"


class Problems:
    """Collects invalid arguments of one construct and reports them together."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._items: list[str] = []

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, argument: str, value: Any, reason: str) -> None:
        """Record that ``argument=value`` is invalid for ``reason``."""
        self._items.append(f"{argument}={show(value)}: {reason}")

    def require(self, condition: bool, argument: str, value: Any, reason: str) -> bool:
        """Record a problem unless ``condition`` holds (or ``value`` is a token). Returns ``condition``."""
        if not condition and not is_token(value):
            self.add(argument, value, reason)
            return False
        return True

    def require_literal(self, argument: str, value: Any, reason: str) -> bool:
        """Record a problem when ``value`` is a token: ``reason`` says what needs it at synthesis."""
        if value is not None and is_token(value):
            self.add(
                argument,
                value,
                f"must be a literal value: {reason}, so a deploy-time value (a CfnParameter, a token) "
                "cannot set it",
            )
            return False
        return True

    def at_least(self, argument: str, value: int | float | None, minimum: int | float) -> None:
        if value is not None and not is_token(value) and value < minimum:
            self.add(argument, value, f"must be at least {minimum}")

    def between(self, argument: str, value: int | float | None, low: int | float, high: int | float) -> None:
        if value is not None and not is_token(value) and not low <= value <= high:
            self.add(argument, value, f"must be between {low} and {high}")

    def one_of(self, argument: str, value: Any, allowed: Iterable[Any]) -> None:
        allowed = list(allowed)
        if value is not None and not is_token(value) and value not in allowed:
            self.add(argument, value, f"must be one of {', '.join(map(repr, allowed))}")

    def cidr(
        self, argument: str, value: str | None, *, version: int | None = 4
    ) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
        """Check a CIDR block (host bits must be zero). Returns the parsed network, or None."""
        if value is None or is_token(value):
            return None
        try:
            network = ipaddress.ip_network(value, strict=True)
        except ValueError as error:
            self.add(argument, value, f"not a valid CIDR block ({error})")
            return None
        if version is not None and network.version != version:
            self.add(argument, value, f"must be an IPv{version} CIDR block")
            return None
        return network

    def cidrs(
        self, argument: str, values: Iterable[str]
    ) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        parsed = [self.cidr(f"{argument}[{i}]", v, version=None) for i, v in enumerate(values)]
        return [n for n in parsed if n is not None]

    def ip(
        self, argument: str, value: str | None, *, version: int | None = None
    ) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """Check a single IP address. Returns the parsed address, or None."""
        if value is None or is_token(value):
            return None
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            self.add(argument, value, "not a valid IP address")
            return None
        if version is not None and address.version != version:
            self.add(argument, value, f"must be an IPv{version} address")
            return None
        return address

    def public_ip(self, argument: str, value: str | None, *, version: int | None = None) -> None:
        """Check an address that must be reachable from the internet (not RFC 1918, RFC 6598, ...)."""
        address = self.ip(argument, value, version=version)
        if address is None:
            return
        private = private_network_of(str(address))
        if private is not None:
            self.add(argument, value, f"is a private address (in {private}); a public address is required")
        elif address.is_multicast or address.is_unspecified:
            self.add(argument, value, "must be a unicast address")

    def domain(self, argument: str, value: str | None) -> None:
        if value is not None and not is_token(value) and not is_domain_name(value):
            self.add(
                argument,
                value,
                "not a valid domain name (letters, digits and hyphens in dot-separated labels)",
            )

    def conflict(self, first: str, first_value: Any, second: str, second_value: Any) -> None:
        """Two options that cannot be given together."""
        if first_value is not None and second_value is not None:
            self.add(
                first, first_value, f"cannot be combined with {second}={second_value!r}; pass one of them"
            )

    def raise_if_any(self) -> None:
        """Raise one error listing every problem; a constructor calls it before creating anything."""
        if COLLECTING.get():
            raise CollectedProblems(list(self._items))
        if self._items:
            raise InvalidArgumentsError(format_problems(self.owner, self._items))
