"""The translators' editor in a real browser, as the issue's tests ask: a translator signs in
from the mailed link, claims a job, takes a translation-memory suggestion with Alt+1, moves on
with Alt+ArrowDown (each segment saved as it is left) and submits; a second translator reads
the word diff and approves; the public page then serves the document in English.

The browser stack has no machine engine, so jobs are drafted from memory only: the memory is
built first through the JSON API, with a document translated and approved as a script would.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.checks import (
    PageFactory,
    assert_no_console_errors,
    check_accessibility,
    screenshot,
)
from tests.browser.journeys import (
    open_page,
    published_document,
    role_key,
    sign_in,
    staff_account,
    tag,
    wait_until,
)
from tests.browser.stack import Stack

pytestmark = pytest.mark.browser


def english_job(stack: Stack, document_id: str, status: str = "draft_ready") -> Any:
    """The document's es->en job once it is in `status`, else None."""
    listed = stack.http.get("/v1/translations", headers=role_key(stack, "translator"),
                            params={"document": document_id, "target": "en"})
    assert listed.status_code == 200, listed.text
    found = [job for job in listed.json()["items"] if job["status"] == status]
    return found[0] if found else None


def job_view(stack: Stack, job_id: str) -> dict[str, Any]:
    """The job as the API shows it to a translator (segments, suggestions, version)."""
    answer = stack.http.get(f"/v1/translations/{job_id}", headers=role_key(stack, "translator"))
    assert answer.status_code == 200, answer.text
    view: dict[str, Any] = answer.json()
    return view


def translated_through_the_api(stack: Stack, job_id: str, english: dict[str, str]) -> None:
    """Claim, draft every segment, submit (translator key) and approve (the secretariat's
    key: a second actor, as four-eyes review wants): the approved pairs enter the memory."""
    url, translator = f"/v1/translations/{job_id}", role_key(stack, "translator")
    segments = [{"id": s["id"], "target": english[s["source"]]}
                for s in job_view(stack, job_id)["segments"]]
    steps = [stack.http.post(f"{url}/claim", headers=translator),
             stack.http.put(f"{url}/draft", headers=translator, json={"segments": segments}),
             stack.http.post(f"{url}/submit", headers=translator),
             stack.http.post(f"{url}/approve", headers=stack.auth)]
    for step in steps:
        assert step.status_code == 200, step.text


def targets_of(stack: Stack, job_id: str) -> dict[str, str | None]:
    """Each segment's saved target, by segment id."""
    return {s["id"]: s["target"] for s in job_view(stack, job_id)["segments"]}


def checked(page: Page, name: str) -> None:
    """axe-core and the console (a script refused by the CSP would show there)."""
    check_accessibility(page, name)
    assert_no_console_errors(page)


def test_a_translator_takes_a_suggestion_submits_and_a_reviewer_approves(
        stack: Stack, new_page: PageFactory) -> None:
    word = tag()
    fuzzy_es, fuzzy_en = (f"El comité {word} revisó las compras públicas del año.",
                          f"The {word} committee reviewed the public purchases of the year.")
    exact_es, exact_en = (f"La agencia {word} publicó los datos en línea.",
                          f"The {word} agency published the data online.")
    new_es, new_en = (f"Un informe nuevo {word} sobre licitaciones.",
                      f"A new {word} report on tenders.")

    # 1. Memory: document A, translated and approved through the API.
    first = published_document(stack, title={"es": fuzzy_es}, summary={"es": exact_es})
    first_job = wait_until("A's English job", lambda: english_job(stack, first))
    translated_through_the_api(stack, first_job["id"], {fuzzy_es: fuzzy_en, exact_es: exact_en})

    # 2. Document B: its title is one word away from A's (a suggestion with its match %),
    # its summary repeats one sentence of A (filled from memory) and adds a new one.
    title_es = fuzzy_es.replace("del año", "del mes")
    title_en = fuzzy_en.replace("of the year", "of the month")
    second = published_document(stack, title={"es": title_es},
                                summary={"es": f"{new_es} {exact_es}"})
    job = wait_until("B's English job", lambda: english_job(stack, second))
    segments = {s["id"]: s for s in job_view(stack, job["id"])["segments"]}
    assert segments["title-1"]["suggestions"][0]["text"] == fuzzy_en, segments
    assert 75 <= segments["title-1"]["suggestions"][0]["match"] < 100
    assert (segments["summary-2"]["target"], segments["summary-2"]["origin"]) == (
        exact_en, "memory")
    reviewed_exact = exact_en.replace("online", "on its website")

    # 3. A translator signs in, finds the job in the queue, claims it and translates.
    page = new_page(locale="es-ES", base_url=stack.base_url)
    sign_in(page, stack, staff_account(stack, "translator", "traductor"))
    page.locator("nav a[href='/staff/translations']").first.click()
    page.locator("#source").select_option("es")
    page.locator("#target").select_option("en")
    page.locator("form.filters button[type=submit]").click()
    job_link = page.locator(f"a[href='/staff/translations/{job['id']}']")
    expect(job_link).to_be_visible()
    checked(page, "staff-translations-queue-es")
    screenshot(page, "staff-translations-queue-es")
    job_link.click()
    expect(page.locator(".suggestions .tag").first).to_contain_text("%")
    checked(page, "staff-translations-job-es")
    page.locator(f"form[action='/staff/translations/{job['id']}/claim'] button").click()
    page.wait_for_url("**?done=claimed")

    title, new, exact = (page.locator(f"textarea[name='target-{name}']")
                         for name in ("title-1", "summary-1", "summary-2"))
    expect(exact).to_have_value(exact_en)  # filled from memory, and labelled so
    expect(page.locator("#segment-3 .segment-target .tag")).to_have_text(
        "Memoria de traducción, coincidencia exacta")
    title.focus()
    page.keyboard.press("Alt+1")
    expect(title).to_have_value(fuzzy_en)
    title.fill(title_en)  # the suggestion, with the one word that differs
    screenshot(page, "staff-translations-job-es")
    page.keyboard.press("Alt+ArrowDown")
    expect(new).to_be_focused()
    wait_until("the title saved when left",
               lambda: targets_of(stack, job["id"])["title-1"] == title_en)
    new.fill(new_en)
    page.keyboard.press("Alt+ArrowDown")
    expect(exact).to_be_focused()
    exact.fill(reviewed_exact)
    page.keyboard.press("Control+s")
    wait_until("every segment saved", lambda: targets_of(stack, job["id"]) == {
        "title-1": title_en, "summary-1": new_en, "summary-2": reviewed_exact})
    page.reload()
    expect(title).to_have_value(title_en)
    expect(new).to_have_value(new_en)
    checked(page, "staff-translations-job-claimed-es")
    page.locator(f"button[formaction='/staff/translations/{job['id']}/submit']").click()
    page.wait_for_url("**?done=submitted")
    assert_no_console_errors(page)

    # 4. A second translator reviews: the memory draft and what changed, then approves.
    reviewer = new_page(locale="en-GB", base_url=stack.base_url)
    review_path = f"/staff/translations/{job['id']}/review"
    sign_in(reviewer, stack, staff_account(stack, "translator", "reviewer"))
    open_page(reviewer, review_path)
    diff = reviewer.locator(".diff")
    expect(diff).to_have_count(1)  # only the memory-drafted segment has a draft to differ from
    expect(diff.locator("del")).to_contain_text("online")
    expect(diff.locator("ins")).to_contain_text("on its website")
    checked(reviewer, "staff-translations-review-en")
    screenshot(reviewer, "staff-translations-review-en")
    reviewer.locator("form#approve button[type=submit]").click()
    reviewer.wait_for_url("**?done=approved")
    assert_no_console_errors(reviewer)

    # 5. The catalog applies the approved job (through the bus): the site serves English.
    wait_until("the English version served", lambda: title_en in stack.http.get(
        f"/documents/{second}", params={"lang": "en"}).text, timeout=20)
    open_page(reviewer, f"/documents/{second}?lang=en")
    expect(reviewer.get_by_role("heading", level=1)).to_have_text(title_en)
    expect(reviewer.locator(".document-text")).to_contain_text(f"{new_en} {reviewed_exact}")
    expect(reviewer).to_have_title(re.compile(re.escape(title_en)))
