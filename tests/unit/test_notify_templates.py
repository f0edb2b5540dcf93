"""Every kind of mail renders in es, en, pt and fr, wholly in one of them (the catalogs
themselves are checked in test_notify_catalogs.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.notify.delivery.mime import Envelope, Renderer
from services.notify.domain import texts
from services.notify.domain.compose import SessionMail, compose_session_mail
from services.notify.domain.links import Site
from services.notify.domain.model import MAIL_KINDS
from services.notify.domain.news import compose_document_news, compose_subscription_confirm
from services.notify.domain.strings import LANGUAGES, Strings
from shared.contracts.registration.events import SessionSnapshot

pytestmark = pytest.mark.unit
STRINGS = Strings.load()
SITE = Site.at("https://x/")
SESSION = SessionSnapshot(
    session_id="s1", title={"es": "Compras", "en": "Procurement", "pt": "Compras públicas",
                            "fr": "Marchés publics"},
    format="workshop", starts_at=datetime(2030, 7, 1, 14, tzinfo=UTC),
    ends_at=datetime(2030, 7, 1, 15, tzinfo=UTC), timezone="America/Sao_Paulo",
    languages=["pt", "es"], interpretation=["en"], join_url="https://meet.example.org/x")
SESSION_KINDS = [k for k in MAIL_KINDS if k not in (
    "subscription_confirm", "document_published", "document_translated", "digest",
    "translation_job", "session_message", "session_announced", "staff_sign_in")]
"""Kinds `compose_session_mail` writes (the others have composers of their own)."""


def test_every_mail_kind_has_its_texts() -> None:
    for kind in MAIL_KINDS:
        assert kind in texts.SUBJECT or kind == "digest", kind  # the digest's is plural
        assert kind in texts.INTRO or kind == "attended", kind  # so is the attended one's


def intro(kind: str) -> str:
    return texts.ATTENDED_INTRO.plural if kind == "attended" else texts.INTRO[kind]  # type: ignore[index]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", SESSION_KINDS)
def test_each_session_mail_is_wholly_in_one_language(language: str, kind: str) -> None:
    mail = SessionMail(kind=kind, name="Ana", cancel_token="t",  # type: ignore[arg-type]
                       reason="R", position=2, minutes=50,
                       previous=(SESSION.starts_at - timedelta(days=1),
                                 SESSION.ends_at - timedelta(days=1)))
    content = compose_session_mail(STRINGS, language, SESSION, mail, SITE)  # type: ignore[arg-type]
    others = [lang for lang in LANGUAGES if lang != language]
    words = " ".join([content.subject, content.greeting, *content.paragraphs, *content.notes,
                      *(label for label, _ in content.details + content.actions)])
    for other in others:  # no text that exists only in another language slipped in
        for message in (texts.SIGNATURE, intro(kind), texts.LABEL_WHEN, texts.LABEL_JOIN):
            foreign = STRINGS.t(other, message).split("%(")[0].strip()
            mine = STRINGS.t(language, message).split("%(")[0].strip()  # type: ignore[arg-type]
            if foreign and foreign != mine and len(foreign) > 8:
                assert foreign not in words, (language, other, message)
    assert SESSION.title[language] in content.subject  # type: ignore[index]
    raw = Renderer().message(content, Envelope(
        sender="INGP <d@ingp.invalid>", to="a@example.org", to_name="Ana",
        message_id="<m@ingp.invalid>", date=datetime(2030, 1, 1, tzinfo=UTC)))
    assert b"multipart/alternative" in raw


def test_times_are_shown_in_the_sessions_zone_with_the_zone_named() -> None:
    """Day, month and hours as CLDR writes them in each language (Babel), not by hand."""
    assert STRINGS.when("es", SESSION.starts_at, SESSION.ends_at, SESSION.timezone) == \
        "lunes, 1 de julio de 2030, 11:00–12:00 (America/Sao_Paulo, GMT-03:00)"
    assert STRINGS.when("en", SESSION.starts_at, SESSION.ends_at, "Europe/Paris") == \
        "Monday, July 1, 2030, 16:00\u2009–\u200917:00 (Europe/Paris, GMT+02:00)"
    assert STRINGS.when("fr", SESSION.starts_at, SESSION.ends_at, "Europe/Paris") == \
        "lundi 1 juillet 2030, 16:00\u2009–\u200917:00 (Europe/Paris, UTC+02:00)"


def test_a_session_over_two_days_names_both_days() -> None:
    assert STRINGS.when("pt", SESSION.starts_at, SESSION.ends_at + timedelta(days=1),
                        "America/Sao_Paulo") == \
        "segunda-feira, 1 de julho de 2030, 11:00 – terça-feira, 2 de julho de 2030, 12:00 " \
        "(America/Sao_Paulo, -03:00 GMT)"


def test_numbers_are_written_the_readers_way_and_plurals_agree() -> None:
    assert STRINGS.n("es", texts.DIGEST_SUBJECT, 1) == \
        "Su resumen de la RICG: 1 novedad en el repositorio"
    assert STRINGS.n("es", texts.DIGEST_SUBJECT, 1200) == \
        "Su resumen de la RICG: 1.200 novedades en el repositorio"
    assert STRINGS.n("en", texts.DIGEST_SUBJECT, 1200) == \
        "Your INGP digest: 1,200 new in the repository"
    assert "(1 minute)" in STRINGS.n("fr", texts.ATTENDED_INTRO, 1, title="T", minutes=1)


def test_html_escapes_what_people_typed() -> None:
    content = compose_session_mail(STRINGS, "en", SESSION,
                                   SessionMail(kind="rejected", name="<script>x</script>",
                                               reason="a & b"), SITE)
    html = Renderer().html.render(mail=content)
    assert "<script>" not in html and "&lt;script&gt;" in html
    text = Renderer().text.render(mail=content)
    assert "a & b" in text


def test_news_carries_an_unsubscribe_link_and_the_confirmation_does_not() -> None:
    news = compose_document_news(STRINGS, "fr", "document_translated", "Guide", "https://d",
                                 "https://u", "pt")
    assert news.unsubscribe_url == "https://u"
    assert "portugais" in news.paragraphs[0].lower()
    confirm = compose_subscription_confirm(STRINGS, "fr", "https://c")
    assert confirm.unsubscribe_url is None and confirm.actions[0][1] == "https://c"


def test_the_hand_built_message_parses_back_whole_and_admits_no_header_injection() -> None:
    import email
    from email.policy import default

    mail = SessionMail(kind="confirmed", name="José Ñúñez", cancel_token="t")
    content = compose_session_mail(STRINGS, "pt", SESSION, mail, SITE)
    raw = Renderer().message(content, Envelope(
        sender="Red INGP <d@ingp.invalid>", to="a@example.org",
        to_name="José\r\nBcc: victim@example.org", message_id="<m@ingp.invalid>",
        date=datetime(2030, 1, 1, tzinfo=UTC), list_unsubscribe="https://x/u"),
        (b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "REQUEST"))
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only
    raw.decode("ascii")  # 7-bit
    message = email.message_from_bytes(raw, policy=default)
    assert message["Bcc"] is None
    assert message["To"].addresses[0].addr_spec == "a@example.org"
    assert message["To"].addresses[0].display_name.split() == ["José", "Bcc:",
                                                               "victim@example.org"]
    assert message["Subject"] == content.subject
    assert message["Content-Language"] == "pt"
    assert message.get_content_type() == "multipart/mixed"
    texts = {part.get_content_type(): part for part in message.walk()}
    assert "José Ñúñez" in texts["text/plain"].get_content()
    assert "José Ñúñez" in texts["text/html"].get_content()
    invite = texts["text/calendar"]
    assert invite.get_param("method") == "REQUEST"
    assert invite.get_filename() == "invite.ics"
    assert invite.get_payload(decode=True) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(("to", "header"), [
    ("ana@bücher.example", "Ana <ana@xn--bcher-kva.example>"),
    ("ána@example.org", "undisclosed-recipients:;"),  # built, logged, then failed unsent
])
def test_a_message_is_built_for_any_address_in_7_bits(to: str, header: str) -> None:
    content = compose_session_mail(STRINGS, "es", SESSION,
                                   SessionMail(kind="confirmed", name="Ana"), SITE)
    raw = Renderer().message(content, Envelope(
        sender="d@ingp.invalid", to=to, to_name="Ana", message_id="<m@ingp.invalid>",
        date=datetime(2030, 1, 1, tzinfo=UTC)))
    assert f"\r\nTo: {header}\r\n" in raw.decode("ascii")


def test_a_mail_asking_to_confirm_links_to_confirm_and_never_to_join() -> None:
    deadline = datetime(2030, 6, 20, 15, 30, tzinfo=UTC)
    mail = SessionMail(kind="awaiting_confirmation", name="Ana", cancel_token="c",
                       confirm_token="k", confirm_by=deadline, holds="seat")
    content = compose_session_mail(STRINGS, "en", SESSION, mail, SITE)
    assert content.actions == [("Confirm my registration",
                                "https://x/registrations/confirm?token=k")]
    assert content.secondary == [("Cancel my registration",
                                  "https://x/registrations/cancel?token=c")]
    text = " ".join(content.paragraphs + content.notes)
    assert "12:30 (America/Sao_Paulo, GMT-03:00)" in text and "hold a seat" in text
    assert "ignore this message" in text
    assert "meet.example.org" not in str(content)  # the snapshot has a join URL: not sent


@pytest.mark.parametrize(("status", "actions", "secondary"), [
    ("confirmed", ["/registrations/cancel?token=c"], ["/sessions/s1"]),
    ("awaiting_confirmation", ["/registrations/confirm?token=k"],
     ["/registrations/cancel?token=c", "/sessions/s1"]),
])
def test_the_owner_of_an_address_registered_again_gets_their_status_and_links(
        status: str, actions: list[str], secondary: list[str]) -> None:
    confirming = status == "awaiting_confirmation"
    mail = SessionMail(kind="already_registered", name="Ana", cancel_token="c", status=status,
                       confirm_token="k" if confirming else None,
                       confirm_by=SESSION.starts_at if confirming else None)
    content = compose_session_mail(STRINGS, "es", SESSION, mail, SITE)
    assert [url.removeprefix("https://x") for _, url in content.actions] == actions
    assert [url.removeprefix("https://x") for _, url in content.secondary] == secondary
    assert content.subject == "Esta dirección ya está inscrita: Compras"
    said = {"confirmed": "Su plaza está confirmada", "awaiting_confirmation": "confírmela"}
    assert said[status] in " ".join(content.paragraphs)
    assert "meet.example.org" not in str(content)
