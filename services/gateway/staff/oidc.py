"""Staff sign-in with an OpenID Connect provider (optional, when STAFF_OIDC_* are set).

The authorization code flow with PKCE (S256), `state` and `nonce`: the three secrets and the
page asked for travel in a cookie of their own (`dlg_oidc`), signed with the token secret and
good for `FLOW_MINUTES`, so nothing is stored for a sign-in that is never finished, and a
callback reached from another browser (login CSRF) finds no cookie and signs in no one. The
provider's endpoints come from its discovery document and its keys from its JWKS, both kept
for an hour (the keys fetched again at once when a token names one we do not hold).

The ID token is checked here, not trusted because it came over TLS: its signature by one of
the provider's keys, `iss`, `aud`, `exp` and our `nonce`; then the address must be verified
by the provider (`email_verified` true) and belong to an active staff account. Every way
this can fail raises `OidcFailure` with a reason the page names; none is a 500.

authlib gives PKCE and the tokens; JOSE is done with joserfc, the library authlib's own
`authlib.jose` now points to (it warns on import that it is deprecated).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal
from urllib.parse import urlsplit

import httpx
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from services.gateway.settings import GatewaySettings

COOKIE: Final = "dlg_oidc"
CALLBACK: Final = "/staff/sign-in/oidc/callback"
FLOW_MINUTES: Final = 10
"""How long a browser may stay at the provider before the sign-in must start again."""
SCOPE: Final = "openid email profile"
ALGORITHMS: Final = ["RS256", "PS256", "ES256"]
"""Asymmetric signatures only: a token signed with the client secret (HS256) is refused."""
CACHE_SECONDS: Final = 3600
LEEWAY_SECONDS: Final = 60
"""Clock difference allowed between us and the provider for `exp` and `iat`."""
Reason = Literal["unavailable", "refused", "expired", "invalid", "unverified", "unknown"]


class OidcFailure(Exception):
    """A sign-in through the provider that cannot go on, and why (for the page)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason: Reason = reason


@dataclass(frozen=True)
class Provider:
    """Who the provider is and who we are to it."""

    issuer: str
    client_id: str
    client_secret: str
    name: str
    redirect_uri: str

    @classmethod
    def configured(cls, options: GatewaySettings, public_base_url: str) -> Provider | None:
        """The provider the settings name, or None when OpenID Connect is not set up."""
        issuer = options.staff_oidc_issuer.rstrip("/")
        if not (issuer and options.staff_oidc_client_id):
            return None
        return cls(issuer, options.staff_oidc_client_id,
                   options.staff_oidc_client_secret.get_secret_value(),
                   options.staff_oidc_name or urlsplit(issuer).hostname or issuer,
                   public_base_url.rstrip("/") + CALLBACK)


@dataclass(frozen=True)
class Flow:
    """One sign-in under way: what the callback must find again."""

    state: str
    nonce: str
    verifier: str
    next: str

    @classmethod
    def start(cls, next_path: str) -> Flow:
        return cls(generate_token(32), generate_token(32), generate_token(64), next_path)

    def seal(self, secret: str) -> str:
        """The flow for the cookie, signed and dated."""
        return _serializer(secret).dumps(asdict(self))

    @classmethod
    def unseal(cls, sealed: str, secret: str) -> Flow:
        """The flow a cookie carries; `expired` if it is missing, altered or too old."""
        try:
            return cls(**_serializer(secret).loads(sealed, max_age=FLOW_MINUTES * 60))
        except (BadSignature, TypeError):
            raise OidcFailure("expired") from None


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="staff-oidc-flow")


_cache: dict[str, tuple[float, Any]] = {}
"""Discovery documents and key sets by address, with when they were fetched."""


async def _fetch(url: str, fresh: bool = False) -> Any:
    """A JSON document of the provider, from the cache unless `fresh` or older than an hour."""
    kept = _cache.get(url)
    if kept and not fresh and time.monotonic() - kept[0] < CACHE_SECONDS:
        return kept[1]
    async with httpx.AsyncClient(timeout=5.0) as http:
        answer = await http.get(url)
    answer.raise_for_status()
    _cache[url] = (time.monotonic(), answer.json())
    return _cache[url][1]


async def metadata(provider: Provider) -> dict[str, Any]:
    """The provider's discovery document; `unavailable` if it cannot be had or is not its."""
    try:
        found = await _fetch(provider.issuer + "/.well-known/openid-configuration")
    except (httpx.HTTPError, ValueError):
        raise OidcFailure("unavailable") from None
    if not isinstance(found, dict) or found.get("issuer", "").rstrip("/") != provider.issuer:
        raise OidcFailure("unavailable")
    return found


async def authorization_url(provider: Provider, flow: Flow) -> str:
    """Where to send the browser: the provider's sign-in, asking for a code (PKCE S256)."""
    endpoint = str((await metadata(provider)).get("authorization_endpoint", ""))
    if not endpoint.startswith(("https://", "http://")):
        raise OidcFailure("unavailable")
    return str(add_params_to_uri(endpoint, [
        ("response_type", "code"), ("client_id", provider.client_id),
        ("redirect_uri", provider.redirect_uri), ("scope", SCOPE), ("state", flow.state),
        ("nonce", flow.nonce), ("code_challenge", create_s256_code_challenge(flow.verifier)),
        ("code_challenge_method", "S256")]))


async def verified_email(provider: Provider, flow: Flow, code: str) -> str:
    """The address the provider vouches for: the code exchanged, the ID token checked."""
    found = await metadata(provider)
    try:
        async with httpx.AsyncClient(timeout=5.0) as http:
            answer = await http.post(str(found["token_endpoint"]), data={
                "grant_type": "authorization_code", "code": code,
                "redirect_uri": provider.redirect_uri, "code_verifier": flow.verifier},
                auth=(provider.client_id, provider.client_secret))
        id_token = answer.json()["id_token"] if answer.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError, TypeError):
        raise OidcFailure("unavailable") from None
    if not isinstance(id_token, str):
        raise OidcFailure("refused")
    claims = await _checked_claims(provider, str(found.get("jwks_uri", "")), flow, id_token)
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str):
        raise OidcFailure("unverified")
    return email


async def _checked_claims(provider: Provider, jwks_uri: str, flow: Flow,
                          id_token: str) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, expiry and nonce hold."""
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS, iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id}, exp={"essential": True},
        sub={"essential": True}, nonce={"essential": True, "value": flow.nonce})
    for fresh in (False, True):  # a key we do not hold yet: the provider rotated its keys
        try:
            keys = KeySet.import_key_set(await _fetch(jwks_uri, fresh=fresh))
        except (httpx.HTTPError, ValueError, TypeError, KeyError, JoseError):
            raise OidcFailure("unavailable") from None
        try:
            token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
            registry.validate(token.claims)
            return dict(token.claims)
        except (JoseError, ValueError):
            if fresh:
                raise OidcFailure("invalid") from None
    raise OidcFailure("invalid")  # pragma: no cover (the loop always returns or raises)
