"""Network tiers: a VPC with stateless NACLs per tier, flow logs, endpoints and optional VPN."""

from .secure_network import (
    CONTAINER_ENDPOINTS,
    INTERFACE_ENDPOINTS,
    SESSION_MANAGER_ENDPOINTS,
    SecureNetwork,
    SiteToSiteVpn,
)

__all__ = [
    "CONTAINER_ENDPOINTS",
    "INTERFACE_ENDPOINTS",
    "SESSION_MANAGER_ENDPOINTS",
    "SecureNetwork",
    "SiteToSiteVpn",
]
