"""SecureNetwork refuses VPN tunnel inside CIDRs AWS would reject and ids that are no virtual private gateway."""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack
from aws_cdk.assertions import Template

from patterns.network import SecureNetwork, SiteToSiteVpn


def refused(**kwargs: object) -> str:
    stack = Stack(App(), "Net")
    with pytest.raises(ValueError) as raised:
        SecureNetwork(stack, "Network", **kwargs)  # type: ignore[arg-type]
    return str(raised.value)


def vpn(*cidrs: str) -> SiteToSiteVpn:
    return SiteToSiteVpn(customer_gateway_ip="203.0.113.1", bgp_asn=65000, tunnel_inside_cidrs=cidrs)


def test_tunnel_inside_cidrs_must_be_free_distinct_30s_in_the_link_local_range() -> None:
    assert refused(vpn=vpn("169.254.10.0/29", "169.254.5.0/30", "169.254.169.252/30")) == (
        "SecureNetwork: invalid arguments:\n"
        "  - vpn.tunnel_inside_cidrs=['169.254.10.0/29', '169.254.5.0/30', '169.254.169.252/30']: a VPN "
        "connection has 2 tunnels: give at most 2 CIDRs\n"
        "  - vpn.tunnel_inside_cidrs[0]='169.254.10.0/29': must be a /30 inside 169.254.0.0/16\n"
        "  - vpn.tunnel_inside_cidrs[1]='169.254.5.0/30': is reserved by AWS (169.254.0.0/30 to "
        "169.254.5.0/30 and 169.254.169.252/30); choose another /30\n"
        "  - vpn.tunnel_inside_cidrs[2]='169.254.169.252/30': is reserved by AWS (169.254.0.0/30 to "
        "169.254.5.0/30 and 169.254.169.252/30); choose another /30"
    )


def test_the_same_tunnel_cidr_twice_and_one_outside_the_range_are_refused() -> None:
    assert refused(vpn=vpn("169.254.10.0/30", "169.254.10.0/30")) == (
        "SecureNetwork: invalid arguments:\n"
        "  - vpn.tunnel_inside_cidrs[1]='169.254.10.0/30': is given twice; each tunnel needs its own /30"
    )
    assert refused(vpn=vpn("10.0.0.0/30")) == (
        "SecureNetwork: invalid arguments:\n"
        "  - vpn.tunnel_inside_cidrs[0]='10.0.0.0/30': must be a /30 inside 169.254.0.0/16"
    )


def test_two_free_tunnel_cidrs_are_used() -> None:
    stack = Stack(App(), "Net")
    SecureNetwork(stack, "Network", vpn=vpn("169.254.10.0/30", "169.254.10.4/30"))
    Template.from_stack(stack).has_resource_properties(
        "AWS::EC2::VPNConnection",
        {
            "VpnTunnelOptionsSpecifications": [
                {"TunnelInsideCidr": "169.254.10.0/30"},
                {"TunnelInsideCidr": "169.254.10.4/30"},
            ]
        },
    )


@pytest.mark.parametrize("gateway", ["vgw-123", "vpc-0123abcd", "vgw-0123ABCD", "vgw-0123456789abcdef"])
def test_a_virtual_private_gateway_id_must_be_one(gateway: str) -> None:
    assert refused(virtual_private_gateway_id=gateway) == (
        "SecureNetwork: invalid arguments:\n"
        f"  - virtual_private_gateway_id='{gateway}': not a virtual private gateway id ('vgw-' and 8 or 17 "
        "lower-case hexadecimal digits)"
    )


@pytest.mark.parametrize("gateway", ["vgw-0123abcd", "vgw-0123456789abcdef0"])
def test_short_and_long_gateway_ids_are_accepted(gateway: str) -> None:
    stack = Stack(App(), "Net")
    SecureNetwork(stack, "Network", virtual_private_gateway_id=gateway)
    Template.from_stack(stack).has_resource_properties(
        "AWS::EC2::VPCGatewayAttachment", {"VpnGatewayId": gateway}
    )
