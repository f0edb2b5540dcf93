"""The secretariat's baselines page over real HTTP, with the numbers service behind the
gateway: a refused form keeps what was typed and names each field; a baseline recorded from
the page is the one the API lists (recorded by the account) and the public figures add; one
removed after the confirmation is gone from both, and pressing "remove" twice is harmless."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import httpx
import pytest
from litestar import Litestar

from services.gateway.staff.context import staff_of
from tests.integration.site_support import MakeKey, text_of
from tests.integration.staff_support import account, cookie_header, csrf_token

pytestmark = pytest.mark.integration

BASELINE = {"figure": "participants", "value": "9,000", "source": "INGP in numbers, OAS",
            "as_of": "2024-12-31", "note": "Dialogues before 2025"}


def field_error(html: str, field: str) -> str:
    """The error text shown at `field` ('' if none)."""
    found = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', html, re.S)
    return text_of(found.group(1)) if found else ""


async def test_the_secretariat_records_and_removes_a_baseline_from_the_page(
        gateway_app: Litestar, gateway_http: httpx.AsyncClient, make_key: MakeKey) -> None:
    http = gateway_http
    person = await account(gateway_app, "secretariat")
    opened = await staff_of(gateway_app).sign_ins.open_session(person.id, datetime.now(UTC),
                                                               "test")
    token = await csrf_token(http)  # before the cookies: its cookie joins them
    cookies = {**cookie_header(http, opened), "Accept-Language": "en"}
    api = {"X-API-Key": await make_key("secretariat")}

    async def post(path: str, **fields: str) -> httpx.Response:
        return await http.post(path, data={"_csrf_token": token, **fields}, headers=cookies)

    desk = await http.get("/staff/numbers", headers=cookies)
    assert desk.status_code == 200 and 'href="/numbers"' in desk.text

    refused = await post("/staff/numbers/baselines", **{**BASELINE, "value": "lots",
                                                         "source": " "})
    assert refused.status_code == 422
    assert field_error(refused.text, "value").startswith("Error: Enter a whole number")
    assert field_error(refused.text, "source").startswith("Error: Enter who reports")
    assert not field_error(refused.text, "figure") and 'value="lots"' in refused.text
    assert (await http.get("/v1/numbers/baselines", headers=api)).json()["items"] == []

    recorded = await post("/staff/numbers/baselines", **BASELINE)
    assert recorded.status_code == 303, recorded.text[:500]
    listed = text_of((await http.get(recorded.headers["location"], headers=cookies)).text)
    assert "The baseline was recorded." in listed
    assert "Participants 9,000 INGP in numbers, OAS December 31, 2024" in listed
    assert person.name in listed
    [stored] = (await http.get("/v1/numbers/baselines", headers=api)).json()["items"]
    assert (stored["value"], stored["recorded_by"]) == (9000, person.id)
    combined = (await http.get("/v1/numbers")).json()["combined"]["participants"]
    assert combined["baseline"] == 9000

    remove = f"/staff/numbers/baselines/{stored['id']}/remove"
    confirm = await http.get(remove, headers=cookies)
    assert confirm.status_code == 200 and "Yes, remove the baseline" in confirm.text
    removed = await post(remove)
    assert removed.status_code == 303 and removed.headers["location"].endswith("done=removed")
    assert (await post(remove)).status_code == 303  # a second press: already gone
    assert (await http.get("/v1/numbers/baselines", headers=api)).json()["items"] == []
    assert (await http.get(remove, headers=cookies)).status_code == 404
