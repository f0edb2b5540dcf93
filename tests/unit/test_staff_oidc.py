"""The OpenID Connect flow's own rules: the flow cookie is signed and short-lived, a provider
that cannot be reached is a failure the page names (never an error), and nothing is offered
when no provider is configured."""

from __future__ import annotations

import pytest
from itsdangerous import TimestampSigner

from services.gateway.settings import GatewaySettings
from services.gateway.staff import oidc
from shared.servers import free_port

pytestmark = pytest.mark.unit
SECRET = "a-secret-for-this-test-only-0123456789"


def test_the_flow_comes_back_only_as_sealed_with_our_secret() -> None:
    flow = oidc.Flow.start("/staff/admin")
    sealed = flow.seal(SECRET)
    assert oidc.Flow.unseal(sealed, SECRET) == flow and flow.state not in (flow.nonce, "")
    for forged in (sealed[:-2] + "xx", flow.seal("another-secret-of-enough-length"), ""):
        with pytest.raises(oidc.OidcFailure) as refused:
            oidc.Flow.unseal(forged, SECRET)
        assert refused.value.reason == "expired"


def test_an_old_flow_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    sealed = oidc.Flow.start("/staff").seal(SECRET)
    later = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: later(self) + oidc.FLOW_MINUTES * 60 + 5)
    with pytest.raises(oidc.OidcFailure):
        oidc.Flow.unseal(sealed, SECRET)


def test_a_provider_is_offered_only_when_configured() -> None:
    assert oidc.Provider.configured(GatewaySettings(), "https://d.example") is None
    provider = oidc.Provider.configured(GatewaySettings(
        staff_oidc_issuer="https://login.oas.example/", staff_oidc_client_id="gw"),
        "https://d.example/")
    assert provider is not None and provider.name == "login.oas.example"
    assert provider.issuer == "https://login.oas.example"
    assert provider.redirect_uri == "https://d.example/staff/sign-in/oidc/callback"


async def test_an_unreachable_provider_is_unavailable() -> None:
    provider = oidc.Provider(f"http://127.0.0.1:{free_port()}", "gw", "s", "X", "http://d/cb")
    with pytest.raises(oidc.OidcFailure) as failed:
        await oidc.authorization_url(provider, oidc.Flow.start("/staff"))
    assert failed.value.reason == "unavailable"
