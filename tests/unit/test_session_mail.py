"""Rules of the secretariat's mail about sessions: who is reached, in which language, what
the mails say, and which sessions may be messaged or announced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from pydantic import ValidationError

from services.gateway.routes.messages import message_id_for
from services.notify.delivery.mime import Envelope, Renderer
from services.notify.domain.links import Site
from services.notify.domain.session_mail import (
    announcement_matches,
    compose_session_announcement,
    compose_session_message,
    message_language,
    paragraphs_of,
)
from services.notify.domain.strings import LANGUAGES, Strings
from services.notify.domain.subscriptions import choices_of
from services.registration.domain.errors import Refusal
from services.registration.domain.mailings import (
    batches,
    counts_by_status,
    reachable,
    refuse_unless_announceable,
    refuse_unless_messageable,
)
from shared.contracts.notify.rpc import Subscribe
from shared.contracts.registration.events import SessionSnapshot
from shared.contracts.registration.messages import MessageDraft

pytestmark = pytest.mark.unit
STRINGS, SITE = Strings.load(), Site.at("https://x/")
NOW = datetime(2030, 6, 1, tzinfo=UTC)
SESSION = SessionSnapshot(
    session_id="s1", title={"es": "Compras", "en": "Procurement", "pt": "Compras públicas",
                            "fr": "Marchés publics"},
    format="workshop", starts_at=datetime(2030, 7, 1, 14, tzinfo=UTC),
    ends_at=datetime(2030, 7, 1, 15, tzinfo=UTC), timezone="America/Sao_Paulo",
    languages=["pt", "es"], topics=["open_data"], countries=["BR"])
DRAFT = {"subject": {"es": "Hola", "en": "Hi"}, "body": {"es": "Texto", "en": "Text"},
         "statuses": ["confirmed"]}


@pytest.mark.parametrize(("preferred", "written", "expected"), [
    ("es", ["es", "en"], "es"), ("en", ["es", "en"], "en"), ("pt", ["es", "en"], "es"),
    ("fr", ["es", "en"], "en"), ("pt", ["es", "en", "pt"], "pt"),
    ("fr", ["es", "en", "fr"], "fr")])
def test_a_message_is_read_in_the_readers_language_else_its_fallback(
        preferred: str, written: list[str], expected: str) -> None:
    assert message_language(preferred, written) == expected  # type: ignore[arg-type]


def test_each_line_of_a_body_is_a_paragraph() -> None:
    assert paragraphs_of("One.\n\n  Two\nThree  \n") == ["One.", "Two", "Three"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_mail_is_wholly_in_one_language(language: str) -> None:
    content = compose_session_message(STRINGS, language, SESSION, "Ana", "Sala",  # type: ignore[arg-type]
                                      "Texto", SITE)
    title = SESSION.title[language]  # type: ignore[index]
    assert content.subject.startswith("Sala") and title in content.subject
    assert content.paragraphs[-1] == "Texto" and content.language == language
    for other in LANGUAGES:
        if other != language:
            assert STRINGS.t(other, "Hello %(name)s,", name="Ana") != content.greeting


def test_staff_text_is_escaped_in_the_html_part() -> None:
    content = compose_session_message(STRINGS, "en", SESSION, "Ana", "Hi",
                                      "<script>x</script> & more", SITE)
    envelope = Envelope(sender="a@x.org", to="b@x.org", to_name="B", message_id="<m@x.org>",
                        date=NOW, reply_to=None, list_unsubscribe=None)
    message = message_from_bytes(Renderer().message(content, envelope, None), policy=default)
    html = next(part for part in message.walk() if part.get_content_type() == "text/html")
    text = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    assert "&lt;script&gt;x&lt;/script&gt; &amp; more" in html.get_content()
    assert "<script>" not in html.get_content()
    assert "<script>x</script> & more" in text.get_content()  # plain text stays as written


@pytest.mark.parametrize("subject", ["a\nBcc: x@y.org", "a\rb", ""])
def test_a_subject_is_one_line(subject: str) -> None:
    with pytest.raises(ValidationError) as error:
        MessageDraft.model_validate({**DRAFT, "subject": {"es": subject, "en": "Hi"}})
    assert error.value.errors()[0]["loc"] == ("subject", "es")


def test_a_message_needs_es_and_en_and_reachable_statuses() -> None:
    with pytest.raises(ValidationError):
        MessageDraft.model_validate({**DRAFT, "body": {"es": "Texto"}})
    with pytest.raises(ValidationError):
        MessageDraft.model_validate({**DRAFT, "statuses": ["awaiting_confirmation"]})
    with pytest.raises(ValidationError):
        MessageDraft.model_validate({**DRAFT, "statuses": []})


def test_the_message_id_is_stable_per_session_and_key() -> None:
    assert message_id_for("s1", "k") == message_id_for("s1", "k")
    assert message_id_for("s1", "k") != message_id_for("s2", "k")


def test_recipients_go_in_batches_and_are_counted_by_status() -> None:
    assert batches(list(range(5)), 2) == [[0, 1], [2, 3], [4]] and batches([], 2) == []
    people = [{"status": "confirmed"}, {"status": "waitlisted"}, {"status": "confirmed"}]
    assert counts_by_status(people) == {"confirmed": 2, "waitlisted": 1}
    assert reachable({"email": "a@x.org"}) and not reachable({"email": None})


def session(**changes: object) -> dict[str, object]:
    return {"status": "published", "visibility": "public", "ends_at": NOW + timedelta(days=1),
            **changes}


def test_a_draft_is_not_messaged() -> None:
    refuse_unless_messageable(session(status="cancelled"))
    with pytest.raises(Refusal):
        refuse_unless_messageable(session(status="draft"))


@pytest.mark.parametrize("changes", [{"status": "draft"}, {"status": "cancelled"},
                                     {"visibility": "invite_only"}, {"ends_at": NOW}])
def test_only_a_public_published_coming_session_is_announced(changes: dict[str, object]
                                                             ) -> None:
    refuse_unless_announceable(session(), NOW)
    with pytest.raises(Refusal) as refused:
        refuse_unless_announceable(session(**changes), NOW)
    assert refused.value.code == "conflict"


def subscriber(**changes: object) -> dict[str, object]:
    return {"sessions": True, "topics": [], "countries": [], **changes}


def test_a_session_is_news_for_who_follows_sessions_on_its_topics_and_countries() -> None:
    assert announcement_matches(subscriber(), SESSION)
    assert announcement_matches(subscriber(topics=["open_data"], countries=["BR"]), SESSION)
    assert not announcement_matches(subscriber(sessions=False), SESSION)
    assert not announcement_matches({"topics": []}, SESSION)  # subscribed before the choice
    assert not announcement_matches(subscriber(topics=["integrity"]), SESSION)
    assert not announcement_matches(subscriber(countries=["CL"]), SESSION)
    everywhere = SESSION.model_copy(update={"countries": []})
    assert announcement_matches(subscriber(countries=["CL"]), everywhere)


def test_subscribing_asks_for_sessions_only_when_told() -> None:
    wish = Subscribe(email="a@x.org", language="es")
    assert choices_of(wish)["sessions"] is False
    assert choices_of(wish.model_copy(update={"sessions": True}))["sessions"] is True


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_announcement_names_the_session_its_date_and_a_way_out(language: str) -> None:
    content = compose_session_announcement(STRINGS, language, SESSION, SITE,  # type: ignore[arg-type]
                                           "https://x/unsub")
    assert SESSION.title[language] in content.subject  # type: ignore[index]
    assert content.actions[0][1] == "https://x/sessions/s1"
    assert content.unsubscribe_url == "https://x/unsub"
    when = STRINGS.when(language, SESSION.starts_at, SESSION.ends_at, SESSION.timezone)  # type: ignore[arg-type]
    assert (content.details[0][1]) == when and "2030" in when
