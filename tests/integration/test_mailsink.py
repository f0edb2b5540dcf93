"""The local mail sink keeps real SMTP messages as .eml files, and `dialogues mail` lists them."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from cli.mail import run_mail
from cli.mailsink import MailSink, mail_folder

pytestmark = pytest.mark.integration

SUBJECT = "Confirmación: Diálogo virtual"


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[MailSink]:
    server = MailSink(mail_folder(tmp_path))
    server.start()
    yield server
    server.stop()


def confirmation() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "INGP Virtual Dialogues <dialogues@ingp.invalid>"
    message["To"] = "María Pérez <maria@example.org>"
    message["Subject"] = SUBJECT
    message.set_content("Su inscripción está confirmada.\n")
    return message


def mail_args(data_dir: Path, show: str | None = None) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(data_dir), show=show)


async def test_a_sent_message_is_kept_as_an_eml_file(sink: MailSink, tmp_path: Path) -> None:
    await aiosmtplib.send(confirmation(), hostname=sink.host, port=sink.port)

    [kept] = list(mail_folder(tmp_path).glob("*.eml"))
    raw = kept.read_bytes()
    assert b"Return-Path: <dialogues@ingp.invalid>" in raw
    assert b"X-Original-To: maria@example.org" in raw
    assert b"Subject: =?utf-8?" in raw  # RFC 2047, as sent: the sink keeps bytes unchanged
    assert list(mail_folder(tmp_path).glob("*.part")) == []


async def test_dialogues_mail_lists_and_shows_it_decoded(
    sink: MailSink, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await aiosmtplib.send(confirmation(), hostname=sink.host, port=sink.port)
    second = confirmation()
    second.replace_header("Subject", "Recordatorio")
    await aiosmtplib.send(second, hostname=sink.host, port=sink.port)

    assert run_mail(mail_args(tmp_path)) == 0
    listing = capsys.readouterr().out.splitlines()
    first_id = sorted(path.stem for path in mail_folder(tmp_path).glob("*.eml"))[0]
    assert listing[1].startswith(first_id)
    assert SUBJECT in listing[1]
    assert "María Pérez <maria@example.org>" in listing[1]
    assert "Recordatorio" in listing[2]  # newest last

    assert run_mail(mail_args(tmp_path, show=first_id)) == 0
    shown = capsys.readouterr().out
    assert f"Subject: {SUBJECT}" in shown
    assert "Su inscripción está confirmada." in shown


def test_an_empty_sink_says_there_is_no_mail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_mail(mail_args(tmp_path)) == 0
    assert capsys.readouterr().out.startswith("No mail in ")


def test_an_unknown_or_unsafe_id_is_refused(
    sink: MailSink, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_mail(mail_args(tmp_path, show="nope")) == 1
    assert run_mail(mail_args(tmp_path, show="../../etc/passwd")) == 1
    assert "no message" in capsys.readouterr().err
