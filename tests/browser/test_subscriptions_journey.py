"""A reader subscribes in French through the site's form, confirms from the mailed link, gets
news of a matching document, and unsubscribes from the link in that news."""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

import pytest
from playwright.sync_api import expect

from tests.browser.checks import PageFactory, assert_no_console_errors
from tests.browser.journeys import (
    confirmed_subscriber,
    link_to,
    open_page,
    published_document,
    tag,
)
from tests.browser.mail import links_in
from tests.browser.stack import Stack, unique_email
from tests.support.quiet import Servers, quiet_now

pytestmark = pytest.mark.browser

TOPIC = "sustainable_procurement"


def about(document_id: str) -> Callable[[EmailMessage], bool]:
    """Matches a mail that links to the document's page."""
    def matches(message: EmailMessage) -> bool:
        return any(f"/documents/{document_id}" in link for link in links_in(message))
    return matches


def test_subscribe_confirm_and_unsubscribe_through_the_pages(
        stack: Stack, new_page: PageFactory) -> None:
    reader, control = unique_email("lectrice"), unique_email("control")
    page = new_page(locale="fr-FR", base_url=stack.base_url)

    open_page(page, "/subscriptions")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "S’abonner aux nouveautés de la bibliothèque")
    page.locator("#email").fill(reader)
    page.locator(f"#topics-{TOPIC}").check()
    expect(page.locator("#frequency-immediate")).to_be_checked()
    expect(page.locator("#language-fr")).to_be_checked()  # the reader's language
    page.get_by_role("button", name="S’abonner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Consultez votre boîte de réception")
    expect(page.locator("main")).to_contain_text(reader)
    assert_no_console_errors(page)

    # The mailed link shows a page; only its button confirms.
    invitation = stack.wait_for_mail(reader)
    confirm = open_page(page, link_to(invitation, "/subscriptions/confirm"))
    assert confirm.headers["referrer-policy"] == "no-referrer"
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre abonnement")
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre abonnement est confirmé")
    expect(page.locator("dl.facts")).to_contain_text("Français")
    assert_no_console_errors(page)

    # News of a document on the chosen topic comes, with a link to leave.
    title = f"Achats durables {tag()}"
    first = published_document(stack, title={"fr": title}, source_language="fr",
                               topics=[TOPIC])
    news = stack.wait_for_mail(reader, about(first))
    assert title in str(news["Subject"])
    leave = link_to(news, "/subscriptions/unsubscribe")
    open_page(page, leave)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Se désabonner des nouveautés de la bibliothèque")
    page.get_by_role("button", name="Me désabonner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes désabonné")
    assert_no_console_errors(page)
    open_page(page, leave)  # the same link again says so, and offers no button
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes déjà désabonné")
    expect(page.get_by_role("button", name="Me désabonner")).to_have_count(0)

    # The next document on that topic reaches another subscriber, and not the one who left.
    confirmed_subscriber(stack, control, topics=[TOPIC])
    second = published_document(stack, title={"fr": f"{title} (suite)"}, source_language="fr",
                                topics=[TOPIC])
    stack.wait_for_mail(control, about(second))
    quiet_now(Servers.of_up(stack.up.data_dir))  # both mails come from one event: all sent
    assert [m for m in stack.mail_to(reader) if about(second)(m)] == []
