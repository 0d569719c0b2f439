"""One table of addresses, read by both the library (``patterns._core.private_network_of``, used by
``PublicRecord``, the VPN peer check and ``CDP-NoPrivateAddressInPublicZone``) and the deployed AWS Config
rule (``patterns/security/runtime/public_dns_private_targets.py``): they must never disagree."""

from __future__ import annotations

import pytest

from patterns._core import Problems, private_network_of
from patterns.security.runtime import public_dns_private_targets as config_rule

# address -> the private range it falls in, or None for a public address
ADDRESSES: list[tuple[str, str | None]] = [
    ("10.0.0.0", "10.0.0.0/8"),
    ("10.1.2.3", "10.0.0.0/8"),
    ("10.255.255.255", "10.0.0.0/8"),
    ("11.0.0.0", None),
    ("9.255.255.255", None),
    ("172.16.0.1", "172.16.0.0/12"),
    ("172.31.255.255", "172.16.0.0/12"),
    ("172.15.255.255", None),
    ("172.32.0.0", None),
    ("192.168.1.1", "192.168.0.0/16"),
    ("192.169.0.1", None),
    ("100.64.0.1", "100.64.0.0/10"),
    ("100.127.255.255", "100.64.0.0/10"),
    ("100.128.0.0", None),
    ("100.63.255.255", None),
    ("169.254.169.254", "169.254.0.0/16"),
    ("127.0.0.1", "127.0.0.0/8"),
    ("0.1.2.3", "0.0.0.0/8"),
    ("8.8.8.8", None),
    ("203.0.113.5", None),
    ("fd00::1", "fc00::/7"),
    ("fc00::1", "fc00::/7"),
    ("fe80::1", "fe80::/10"),
    ("::1", "::1/128"),
    ("2001:db8::1", None),
    ("2600:1f18::1", None),
    # IPv4-mapped IPv6: an AAAA of ::ffff:10.1.2.3 still publishes 10.1.2.3
    ("::ffff:10.1.2.3", "10.0.0.0/8"),
    ("::ffff:172.16.0.1", "172.16.0.0/12"),
    ("::ffff:192.168.0.10", "192.168.0.0/16"),
    ("::ffff:100.64.0.1", "100.64.0.0/10"),
    ("::ffff:169.254.1.1", "169.254.0.0/16"),
    ("::ffff:127.0.0.1", "127.0.0.0/8"),
    ("::ffff:8.8.8.8", None),
    ("::ffff:203.0.113.5", None),
]


@pytest.mark.parametrize(("address", "network"), ADDRESSES)
def test_library_classifies_the_address(address: str, network: str | None) -> None:
    assert private_network_of(address) == network


@pytest.mark.parametrize(("address", "network"), ADDRESSES)
def test_deployed_config_rule_classifies_the_address(address: str, network: str | None) -> None:
    assert config_rule.private_network_of(address) == network


def test_both_list_the_same_private_ranges() -> None:
    expected = [
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "127.0.0.0/8",
        "0.0.0.0/8",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    ]
    from patterns._core import PRIVATE_NETWORKS

    assert [str(n) for n in PRIVATE_NETWORKS] == expected
    assert [str(n) for n in config_rule.PRIVATE_NETWORKS] == expected


def test_config_rule_ignores_values_that_are_not_addresses() -> None:
    assert config_rule.private_network_of("not-an-ip") is None
    assert config_rule.private_network_of(" 10.0.0.1 ") == "10.0.0.0/8"


def test_public_ip_check_refuses_a_mapped_private_address() -> None:
    problems = Problems("Peer")
    problems.public_ip("peer_ip", "::ffff:10.1.2.3")
    with pytest.raises(ValueError, match=r"peer_ip='::ffff:10.1.2.3'.*private address \(in 10.0.0.0/8\)"):
        problems.raise_if_any()


def test_public_ip_check_accepts_a_mapped_public_address() -> None:
    problems = Problems("Peer")
    problems.public_ip("peer_ip", "::ffff:8.8.8.8")
    problems.raise_if_any()  # no error
    assert problems._items == []
