"""Serverless web: a static site rendered on first request, and a Cognito-protected API over DynamoDB."""

from .api_backend import ApiBackend
from .edge import CloudFrontAlarms, CloudFrontEdge
from .options import (
    AmazonLogin,
    AppleLogin,
    FacebookLogin,
    GoogleLogin,
    IdentityProvider,
    OidcLogin,
    SiteDomain,
    TwitterLogin,
)
from .serverless_web_app import ServerlessWebApp
from .static_site import DEFAULT_CONTENT_SECURITY_POLICY, StaticSite

__all__ = [
    "DEFAULT_CONTENT_SECURITY_POLICY",
    "AmazonLogin",
    "ApiBackend",
    "AppleLogin",
    "CloudFrontAlarms",
    "CloudFrontEdge",
    "FacebookLogin",
    "GoogleLogin",
    "IdentityProvider",
    "OidcLogin",
    "ServerlessWebApp",
    "SiteDomain",
    "StaticSite",
    "TwitterLogin",
]
