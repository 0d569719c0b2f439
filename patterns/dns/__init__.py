"""Hybrid DNS: Route 53 Resolver endpoints between on-premises and the cloud, and private names kept
out of public DNS (the ``PublicRecord`` guard and split-horizon zones)."""

from .forwarders import FLAVOURS, conditional_forwarders
from .hybrid_dns import HybridDns
from .public_record import PublicRecord
from .split_horizon import APEX, SplitHorizonZone

__all__ = ["APEX", "FLAVOURS", "HybridDns", "PublicRecord", "SplitHorizonZone", "conditional_forwarders"]
