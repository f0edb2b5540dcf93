"""Every mail text exists in es, en, pt and fr, and every kind renders in each of them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from services.notify.domain.compose import SessionMail, compose_session_mail
from services.notify.domain.model import MAIL_KINDS
from services.notify.domain.news import compose_document_news, compose_subscription_confirm
from services.notify.domain.strings import LANGUAGES, Strings
from services.notify.mime import Envelope, Renderer
from shared.contracts.registration import SessionSnapshot

pytestmark = pytest.mark.unit
STRINGS = Strings.load()
SESSION = SessionSnapshot(
    session_id="s1", title={"es": "Compras", "en": "Procurement", "pt": "Compras públicas",
                            "fr": "Marchés publics"},
    format="workshop", starts_at=datetime(2030, 7, 1, 14, tzinfo=UTC),
    ends_at=datetime(2030, 7, 1, 15, tzinfo=UTC), timezone="America/Sao_Paulo",
    languages=["pt", "es"], interpretation=["en"], join_url="https://meet.example.org/x")
SESSION_KINDS = [k for k in MAIL_KINDS if k not in (
    "subscription_confirm", "document_published", "document_translated", "digest",
    "translation_job")]


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_key_exists_in_all_four_languages() -> None:
    keys = set(STRINGS.texts["en"])
    for language in LANGUAGES:
        assert set(STRINGS.texts[language]) == keys, language


def test_translations_use_the_same_placeholders_and_none_is_empty() -> None:
    for key, english in STRINGS.texts["en"].items():
        for language in LANGUAGES:
            text = STRINGS.texts[language][key]
            assert text.strip(), (language, key)
            assert placeholders(text) == placeholders(english), (language, key)


def test_every_mail_kind_has_its_texts() -> None:
    for kind in MAIL_KINDS:
        assert f"{kind}.subject" in STRINGS.texts["en"], kind
        assert f"{kind}.intro" in STRINGS.texts["en"], kind


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", SESSION_KINDS)
def test_each_session_mail_is_wholly_in_one_language(language: str, kind: str) -> None:
    mail = SessionMail(kind=kind, name="Ana", cancel_url="https://x/c?token=t",  # type: ignore[arg-type]
                       materials_url="https://x/s1", reason="R", position=2, minutes=50,
                       previous=(SESSION.starts_at - timedelta(days=1),
                                 SESSION.ends_at - timedelta(days=1)))
    content = compose_session_mail(STRINGS, language, SESSION, mail)  # type: ignore[arg-type]
    others = [lang for lang in LANGUAGES if lang != language]
    words = " ".join([content.subject, content.greeting, *content.paragraphs, *content.notes,
                      *(label for label, _ in content.details + content.actions)])
    for other in others:  # no text that exists only in another language slipped in
        for key in ("signature", f"{kind}.intro", "label_when", "label_join"):
            foreign = STRINGS.texts[other][key].split("{")[0].strip()
            mine = STRINGS.texts[language][key].split("{")[0].strip()
            if foreign and foreign != mine and len(foreign) > 8:
                assert foreign not in words, (language, other, key)
    assert SESSION.title[language] in content.subject  # type: ignore[index]
    raw = Renderer().message(content, Envelope(
        sender="INGP <d@ingp.invalid>", to="a@example.org", to_name="Ana",
        message_id="<m@ingp.invalid>", date=datetime(2030, 1, 1, tzinfo=UTC)))
    assert b"multipart/alternative" in raw


def test_times_are_shown_in_the_sessions_zone_with_the_zone_named() -> None:
    assert STRINGS.when("es", SESSION.starts_at, SESSION.ends_at, SESSION.timezone) == \
        "lunes 1 de julio de 2030, 11:00–12:00 (America/Sao_Paulo, UTC-03:00)"
    assert STRINGS.when("en", SESSION.starts_at, SESSION.ends_at, "Europe/Paris") == \
        "Monday, July 1, 2030, 16:00–17:00 (Europe/Paris, UTC+02:00)"


def test_html_escapes_what_people_typed() -> None:
    content = compose_session_mail(STRINGS, "en", SESSION,
                                   SessionMail(kind="rejected", name="<script>x</script>",
                                               reason="a & b"))
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

    mail = SessionMail(kind="confirmed", name="José Ñúñez", cancel_url="https://x/c?token=t")
    content = compose_session_mail(STRINGS, "pt", SESSION, mail)
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
