"""Conditional-forwarder configuration for the on-premises DNS servers, generated from the cloud's
domains and the inbound endpoint's addresses (plain strings, or tokens that CloudFormation resolves)."""

from __future__ import annotations

from collections.abc import Sequence

FLAVOURS = ("bind", "unbound", "windows")
"""The DNS servers that ``conditional_forwarders`` writes configuration for."""


def conditional_forwarders(domains: Sequence[str], addresses: Sequence[str], flavour: str = "bind") -> str:
    """Configuration that forwards each of ``domains`` to ``addresses``, one statement per domain.

    ``bind``: named.conf forward zones (one line each); ``unbound``: unbound.conf ``forward-zone``
    clauses; ``windows``: ``Add-DnsServerConditionalForwarderZone`` PowerShell commands. Addresses that
    are tokens (known only after deployment) end up as ``Fn::Join`` in a stack output.
    """
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour={flavour!r}: must be one of {', '.join(map(repr, FLAVOURS))}")
    names = [domain.rstrip(".") for domain in domains]
    if flavour == "bind":
        servers = " ".join(f"{address};" for address in addresses)
        return "\n".join(
            f'zone "{name}" {{ type forward; forward only; forwarders {{ {servers} }}; }};' for name in names
        )
    if flavour == "unbound":
        servers = "".join(f"\n    forward-addr: {address}" for address in addresses)
        return "\n".join(f'forward-zone:\n    name: "{name}."{servers}' for name in names)
    servers = ",".join(addresses)
    return "\n".join(
        f'Add-DnsServerConditionalForwarderZone -Name "{name}" -MasterServers {servers} -ReplicationScope "Forest"'
        for name in names
    )
