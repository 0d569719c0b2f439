"""Edge protection (WAF, Shield) and the compliance baseline (AWS Config, Systems Manager)."""

from .compliance_baseline import MANAGED_RULES, SSH_REMEDIATION_DOCUMENT, ComplianceBaseline
from .edge_protection import MANAGED_RULE_GROUPS, MIN_RATE_LIMIT, REDACTED_HEADERS, EdgeProtection
from .systems_manager import SESSION_PREFERENCES_DOCUMENT

__all__ = [
    "MANAGED_RULES",
    "MANAGED_RULE_GROUPS",
    "MIN_RATE_LIMIT",
    "REDACTED_HEADERS",
    "SESSION_PREFERENCES_DOCUMENT",
    "SSH_REMEDIATION_DOCUMENT",
    "ComplianceBaseline",
    "EdgeProtection",
]
