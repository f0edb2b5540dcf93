"""A minimal but real OpenID Connect provider for the tests, served over HTTP on a free port:
discovery, an authorize endpoint that approves at once (redirecting with a code), a token
endpoint that checks the client, the code, the redirect URI and the PKCE verifier and
answers an ID token signed RS256 with a key made for the test, and the JWKS.

`claims` changes what the next ID token says (a wrong nonce or audience, an address that is
not verified), so each refusal of the gateway can be tried against a provider that misbehaves
in exactly one way.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import RSAKey
from litestar import Litestar, Request, Response, get, post
from litestar.response import Redirect

from shared.servers import free_port
from tests.support import eventually

CLIENT_ID = "dialogues-gateway"
CLIENT_SECRET = "not-a-real-secret-for-tests"


@dataclass
class Provider:
    """The provider's state: its address, key, the codes it gave, and what tokens say."""

    issuer: str
    email: str = "ana@oas.example"
    claims: dict[str, Any] = field(default_factory=dict)
    """Claims to override in the next ID tokens (the test's misbehaviour of choice)."""
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(
        2048, parameters={"kid": "test-key", "use": "sig", "alg": "RS256"}))
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    token_requests: int = 0

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": "user-1", "iat": now,
                  "exp": now + 300, "nonce": nonce, "email": self.email,
                  "email_verified": True, **self.claims}
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def provider_app(provider: Provider) -> Litestar:
    """The provider's four endpoints."""

    @get("/.well-known/openid-configuration")
    async def discovery() -> dict[str, Any]:
        base = provider.issuer
        return {"issuer": base, "authorization_endpoint": f"{base}/authorize",
                "token_endpoint": f"{base}/token", "jwks_uri": f"{base}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"]}

    @get("/authorize")
    async def authorize(request: Request[Any, Any, Any]) -> Response[Any]:
        query = request.query_params
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256" and "openid" in query["scope"]
        code = secrets.token_urlsafe(16)
        provider.codes[code] = {"nonce": query["nonce"], "redirect_uri": query["redirect_uri"],
                                "challenge": query["code_challenge"]}
        return Redirect(f"{query['redirect_uri']}?"
                        + urlencode({"code": code, "state": query["state"]}), status_code=302)

    @post("/token", status_code=200)
    async def token(request: Request[Any, Any, Any]) -> Response[Any]:
        provider.token_requests += 1
        form = await request.form()
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        given = provider.codes.pop(str(form.get("code")), None)
        if (request.headers.get("authorization") != f"Basic {basic}" or given is None
                or form.get("grant_type") != "authorization_code"
                or form.get("redirect_uri") != given["redirect_uri"]
                or s256(str(form.get("code_verifier"))) != given["challenge"]):
            return Response({"error": "invalid_grant"}, status_code=400)
        return Response({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                         "expires_in": 300, "id_token": provider.id_token(given["nonce"])})

    @get("/jwks")
    async def jwks() -> dict[str, Any]:
        return {"keys": [provider.key.as_dict(private=False)]}

    return Litestar([discovery, authorize, token, jwks], debug=False)


@asynccontextmanager
async def running_provider() -> AsyncIterator[Provider]:
    """A provider listening on 127.0.0.1 at a free port, in this event loop."""
    port = free_port()
    provider = Provider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(uvicorn.Config(provider_app(provider), host="127.0.0.1", port=port,
                                           lifespan="off", log_level="warning"))
    serving = asyncio.create_task(server.serve())
    await eventually(lambda: server.started or serving.done(), 5.0, "the provider to listen")
    if serving.done():
        serving.result()  # it could not start: say why
    try:
        yield provider
    finally:
        server.should_exit = True
        await serving
