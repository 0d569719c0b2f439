"""cdp-patterns: AWS CDK constructs for cloud design patterns, secure by default.

Import the constructs from here (``from patterns import SecureNetwork``) or from their pattern
package (``from patterns.network import SecureNetwork``).
"""

from .network import SecureNetwork, SiteToSiteVpn

__all__ = ["SecureNetwork", "SiteToSiteVpn"]
__version__ = "0.1.0"
