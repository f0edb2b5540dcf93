"""The translators' editor over real HTTP: the real gateway, the real translate service,
NATS and MongoDB. A translator finds the job in the queue, claims it, saves (the whole form,
then one segment as the page's script does, with a stale version refused), submits; another
translator sees what changed, must give a reason to send it back, and approves."""

from __future__ import annotations

import re

import pytest
from faststream.nats import NatsBroker

from services.translate.settings import TranslateSettings
from shared.settings import Settings
from tests.integration.site_support import hidden_fields, text_of
from tests.integration.staff_support import cookie_header, csrf_token, session_of
from tests.integration.translate_support import (
    english,
    job_of,
    keyed,
    publish_document,
    snapshot,
    translate_gateway,
)
from tests.support import eventually

pytestmark = pytest.mark.integration


def targets(html: str) -> dict[str, str]:
    """The textareas of the editor: field name -> text."""
    return dict(re.findall(r'<textarea id="t-\d+" name="([^"]+)"[^>]*>([^<]*)</textarea>', html))


async def test_a_translator_claims_saves_and_submits_and_another_approves(
        settings: Settings, bus_client: NatsBroker) -> None:
    async with translate_gateway(settings, TranslateSettings()) as http:
        app = http.app  # type: ignore[attr-defined]
        token = {"_csrf_token": await csrf_token(http)}  # its cookie goes in the headers below
        english_reader = {"Accept-Language": "en"}
        alice = english_reader | cookie_header(http, await session_of(app, "translator"))
        bob = english_reader | cookie_header(http, await session_of(app, "translator"))
        key, _ = await keyed(http, "translator")
        await publish_document(bus_client, snapshot("doc-desk"))
        queued = await eventually(lambda: job_of(http, key, "doc-desk"), timeout=15)
        page = f"/staff/translations/{queued['id']}"

        listed = await http.get("/staff/translations", params={"target": "en"}, headers=alice)
        assert listed.status_code == 200 and f'href="{page}"' in listed.text
        other = await http.get("/staff/translations", params={"status": "approved"},
                               headers=alice)
        assert f'href="{page}"' not in other.text
        wrong = await http.get("/staff/translations", params={"due_from": "1 May"},
                               headers=alice)
        assert wrong.status_code == 422 and "There is a problem" in wrong.text

        opened = await http.get(page, headers=alice)
        assert "Claim this job" in opened.text and not targets(opened.text)
        claimed = await http.post(f"{page}/claim", data=token, headers=alice)
        assert claimed.status_code == 303 and claimed.headers["location"] == f"{page}?done=claimed"
        refused = await http.post(f"{page}/claim", data=token, headers=bob)
        assert refused.status_code == 409 and "another translator holds it" in refused.text

        editor = await http.get(page, headers=alice)
        fields = targets(editor.text)
        assert len(fields) >= 3
        assert "Public procurement" not in editor.text  # nothing typed yet
        glossary = text_of(editor.text)
        assert "public procurement" in glossary and "tender" in glossary  # terms found
        version = hidden_fields(editor.text)["version"]
        sources = re.findall(r'<p lang="es">([^<]+)</p>', editor.text)
        typed = {name: english(source) for name, source in zip(fields, sources, strict=True)}
        first, *rest = typed
        saved = await http.post(page, data={**token, "version": version, first: typed[first]},
                                headers=alice)
        assert saved.status_code == 303

        stale = await http.post(page, data={**token, "version": version, rest[0]: "Old."},
                                headers={**alice, "Accept": "application/json"})
        assert stale.status_code == 409 and "error" in stale.json()
        current = hidden_fields((await http.get(page, headers=alice)).text)["version"]
        one = await http.post(page, data={**token, "version": current, rest[0]: typed[rest[0]]},
                              headers={**alice, "Accept": "application/json"})
        assert one.status_code == 200 and one.json()["version"] > int(current)

        incomplete = await http.post(f"{page}/submit", data={
            **token, "version": str(one.json()["version"]), rest[1]: ""}, headers=alice)
        assert incomplete.status_code == 422 and "Every segment needs a translation" in \
            incomplete.text
        submitted = await http.post(f"{page}/submit", data={
            **token, "version": str(one.json()["version"]),
            **{name: typed[name] for name in rest[1:]}}, headers=alice)
        assert submitted.status_code == 303, submitted.text
        job = (await http.get(f"/v1/translations/{queued['id']}", headers=key)).json()
        assert job["status"] == "in_review"
        assert [s["target"] for s in job["segments"]] == list(typed.values())

        own = await http.get(f"{page}/review", headers=alice)
        assert "another translator must review it" in own.text
        four_eyes = await http.post(f"{page}/approve", data=token, headers=alice)
        assert four_eyes.status_code == 403
        review = await http.get(f"{page}/review", headers=bob)
        assert review.status_code == 200 and "No draft: the translator wrote it all." in \
            review.text
        no_reason = await http.post(f"{page}/reject", data={**token, "reason": " "},
                                    headers=bob)
        assert no_reason.status_code == 422 and 'aria-invalid="true"' in no_reason.text
        approved = await http.post(f"{page}/approve", data=token, headers=bob)
        assert approved.status_code == 303
        done = await http.get(approved.headers["location"], headers=bob)
        assert "The translation is approved" in done.text
        job = (await http.get(f"/v1/translations/{queued['id']}", headers=key)).json()
        assert job["status"] == "approved" and job["reviewer"] != job["translator"]

        old = await http.get(f"/translations/jobs/{queued['id']}")
        assert old.status_code == 301 and old.headers["location"] == page
