"""Small frozen value groups passed to the constructs: a site's domain and sign-in providers.

Each one checks itself into a ``Problems`` collection (``check``) so that the construct that receives
it reports every bad value together in one ``ValueError``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from aws_cdk import SecretValue, Stack
from constructs import IConstruct

from .._core import Problems, is_token

_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")


@dataclass(frozen=True)
class SiteDomain:
    """A custom domain for a site: ``domain_name`` (``www.example.com``) in the Route 53 public hosted
    zone ``zone_name`` (``example.com``) whose id is ``hosted_zone_id`` (``Z0123456789ABCDEFGHIJ``).

    The zone is referenced by its attributes (no lookup at synth time).
    """

    domain_name: str
    hosted_zone_id: str
    zone_name: str

    def check(self, problems: Problems, argument: str) -> None:
        problems.domain(f"{argument}.domain_name", self.domain_name)
        problems.domain(f"{argument}.zone_name", self.zone_name)
        problems.require(
            isinstance(self.hosted_zone_id, str) and bool(_HOSTED_ZONE_ID.match(self.hosted_zone_id)),
            f"{argument}.hosted_zone_id",
            self.hosted_zone_id,
            "not a Route 53 hosted zone id (Z followed by letters and digits)",
        )
        if not (is_token(self.domain_name) or is_token(self.zone_name)):
            name = self.domain_name.rstrip(".").lower()
            zone = self.zone_name.rstrip(".").lower()
            problems.require(
                name == zone or name.endswith("." + zone),
                f"{argument}.domain_name",
                self.domain_name,
                f"is not inside the hosted zone {self.zone_name!r}",
            )


def _check_secret(problems: Problems, argument: str, value: Any) -> None:
    problems.require(
        isinstance(value, SecretValue),
        argument,
        type(value).__name__,
        "must be an aws_cdk.SecretValue (for example SecretValue.secrets_manager(...)), never a plain string",
    )


def _check_client_id(problems: Problems, argument: str, value: Any) -> None:
    problems.require(
        isinstance(value, str) and bool(value.strip()), argument, value, "must be a non-empty string"
    )


def _check_scopes(problems: Problems, argument: str, scopes: Sequence[str]) -> None:
    for scope in scopes:
        problems.require(
            isinstance(scope, str) and bool(scope) and not any(c.isspace() for c in scope),
            argument,
            scope,
            "each scope must be a non-empty word without spaces",
        )


@dataclass(frozen=True)
class GoogleLogin:
    """Sign in with Google: the OAuth client id and secret from the Google Cloud console."""

    client_id: str
    client_secret: SecretValue
    scopes: Sequence[str] = ("openid", "email", "profile")

    def check(self, problems: Problems, argument: str) -> None:
        _check_client_id(problems, f"{argument}.client_id", self.client_id)
        _check_secret(problems, f"{argument}.client_secret", self.client_secret)
        _check_scopes(problems, f"{argument}.scopes", self.scopes)


@dataclass(frozen=True)
class FacebookLogin:
    """Sign in with Facebook: the app id and app secret."""

    client_id: str
    client_secret: SecretValue
    scopes: Sequence[str] = ("public_profile", "email")

    def check(self, problems: Problems, argument: str) -> None:
        _check_client_id(problems, f"{argument}.client_id", self.client_id)
        _check_secret(problems, f"{argument}.client_secret", self.client_secret)
        _check_scopes(problems, f"{argument}.scopes", self.scopes)


@dataclass(frozen=True)
class AmazonLogin:
    """Login with Amazon: the security profile's client id and secret."""

    client_id: str
    client_secret: SecretValue
    scopes: Sequence[str] = ("profile",)

    def check(self, problems: Problems, argument: str) -> None:
        _check_client_id(problems, f"{argument}.client_id", self.client_id)
        _check_secret(problems, f"{argument}.client_secret", self.client_secret)
        _check_scopes(problems, f"{argument}.scopes", self.scopes)


_APPLE_TEN = re.compile(r"^[A-Z0-9]{10}$")


@dataclass(frozen=True)
class AppleLogin:
    """Sign in with Apple: the services id (``client_id``), the team id, the key id and its private key."""

    client_id: str
    team_id: str
    key_id: str
    private_key: SecretValue
    scopes: Sequence[str] = ("email", "name")

    def check(self, problems: Problems, argument: str) -> None:
        _check_client_id(problems, f"{argument}.client_id", self.client_id)
        for name, value in (("team_id", self.team_id), ("key_id", self.key_id)):
            problems.require(
                isinstance(value, str) and bool(_APPLE_TEN.match(value)),
                f"{argument}.{name}",
                value,
                "must be 10 upper-case letters or digits",
            )
        _check_secret(problems, f"{argument}.private_key", self.private_key)
        _check_scopes(problems, f"{argument}.scopes", self.scopes)


_PROVIDER_NAME = re.compile(r"^[A-Za-z0-9_-]{3,32}$")
_RESERVED_NAMES = {"cognito", "google", "facebook", "loginwithamazon", "signinwithapple"}


@dataclass(frozen=True)
class OidcLogin:
    """Any OpenID Connect issuer (Okta, Entra ID, Auth0, ...): ``name`` shows on the hosted UI;
    ``issuer_url`` must be https (endpoints are discovered from it)."""

    name: str
    client_id: str
    client_secret: SecretValue
    issuer_url: str
    scopes: Sequence[str] = field(default=("openid", "email", "profile"))

    def check(self, problems: Problems, argument: str) -> None:
        problems.require(
            isinstance(self.name, str)
            and bool(_PROVIDER_NAME.match(self.name))
            and self.name.lower() not in _RESERVED_NAMES,
            f"{argument}.name",
            self.name,
            "must be 3-32 letters, digits, '_' or '-' and not a built-in provider name",
        )
        _check_client_id(problems, f"{argument}.client_id", self.client_id)
        _check_secret(problems, f"{argument}.client_secret", self.client_secret)
        if not is_token(self.issuer_url):
            parsed = urlparse(self.issuer_url) if isinstance(self.issuer_url, str) else None
            problems.require(
                parsed is not None
                and parsed.scheme == "https"
                and bool(parsed.hostname)
                and not parsed.query
                and not parsed.fragment,
                f"{argument}.issuer_url",
                self.issuer_url,
                "must be an https URL without query or fragment",
            )
        _check_scopes(problems, f"{argument}.scopes", self.scopes)
        problems.require(
            "openid" in self.scopes, f"{argument}.scopes", list(self.scopes), "must include 'openid'"
        )


_CONSUMER_KEY_FORBIDDEN = frozenset(";")


@dataclass(frozen=True)
class TwitterLogin:
    """Sign in with X (Twitter) through a Cognito identity pool: the X app's consumer key (API key) and
    its consumer secret (API key secret) from Secrets Manager.

    Cognito identity pools take the pair as ``"<key>;<secret>"``; the secret must be a Secrets Manager
    ``SecretValue`` (``SecretValue.secrets_manager("name")`` or ``secret.secret_value``) so that the
    template holds only a ``{{resolve:secretsmanager:...}}`` dynamic reference, never the secret.
    """

    consumer_key: str
    consumer_secret: SecretValue

    def check(self, problems: Problems, argument: str, *, scope: IConstruct | None = None) -> None:
        key = self.consumer_key
        problems.require(
            isinstance(key, str)
            and bool(key.strip())
            and not any(c.isspace() or c in _CONSUMER_KEY_FORBIDDEN for c in key),
            f"{argument}.consumer_key",
            key,
            "must be a non-empty string without spaces or ';' (the X app's API key)",
        )
        secret = self.consumer_secret
        if not isinstance(secret, SecretValue):
            _check_secret(problems, f"{argument}.consumer_secret", secret)
        elif scope is not None and not is_secrets_manager_reference(scope, secret):
            problems.add(
                f"{argument}.consumer_secret",
                "SecretValue",
                "must come from Secrets Manager (SecretValue.secrets_manager(...) or secret.secret_value): "
                "anything else would put the secret in the template",
            )


def is_secrets_manager_reference(scope: IConstruct, value: SecretValue) -> bool:
    """True when ``value`` resolves to a ``{{resolve:secretsmanager:...}}`` dynamic reference (and to
    nothing else), so that the template never holds the secret itself."""
    resolved = Stack.of(scope).resolve(value.unsafe_unwrap())  # resolved here only to inspect its form
    if isinstance(resolved, str):
        return resolved.startswith("{{resolve:secretsmanager:") and resolved.endswith("}}")
    # secret.secret_value of a Secret in the same stack: {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": ...}, ":SecretString:::}}"]]}
    if isinstance(resolved, dict) and set(resolved) == {"Fn::Join"}:
        parts = resolved["Fn::Join"][1]
        return (
            isinstance(parts[0], str)
            and parts[0].startswith("{{resolve:secretsmanager:")
            and isinstance(parts[-1], str)
            and parts[-1].endswith("}}")
        )
    return False


IdentityProvider = GoogleLogin | FacebookLogin | AmazonLogin | AppleLogin | OidcLogin
"""The sign-in providers ``ApiBackend(identity_providers=...)`` accepts."""
