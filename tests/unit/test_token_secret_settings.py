"""TOKEN_SECRET outside `local`: a public or short secret stops the process; older secrets are
listed for verification and held to the same standard."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.notify.settings import SmtpSettings
from shared.settings import DEVELOPMENT_TOKEN_SECRET, Settings, settings_for

pytestmark = pytest.mark.unit

STRONG = "Zq8pV1m0cW3nK7rT5yB2xL9sD4fH6jA0eG1uI3oP"
EXAMPLE = "change-me-to-a-long-random-value"  # deploy/.env.example


@pytest.mark.parametrize("secret", [DEVELOPMENT_TOKEN_SECRET, EXAMPLE, "x" * 31])
def test_a_public_or_short_secret_is_refused_outside_local(secret: str) -> None:
    with pytest.raises(ValidationError, match="TOKEN_SECRET must be a random value") as error:
        Settings(deployment_environment="production", token_secret=secret)
    assert secret not in str(error.value)


@pytest.mark.parametrize("secret", [DEVELOPMENT_TOKEN_SECRET, "x" * 31])
def test_a_laptop_may_use_the_development_secret(secret: str) -> None:
    assert Settings(deployment_environment="local", token_secret=secret).token_secret == secret


def test_a_long_random_secret_is_accepted_anywhere() -> None:
    assert Settings(deployment_environment="production", token_secret=STRONG).token_secret


def test_older_secrets_are_a_comma_separated_list() -> None:
    settings = Settings(token_secrets_old=f" {STRONG}a , {STRONG}b,,")
    assert settings.older_token_secrets() == (f"{STRONG}a", f"{STRONG}b")
    assert Settings().older_token_secrets() == ()


def test_a_public_older_secret_is_refused_outside_local() -> None:
    with pytest.raises(ValidationError, match="TOKEN_SECRETS_OLD"):
        Settings(deployment_environment="production", token_secret=STRONG,
                 token_secrets_old=f"{STRONG}a,{DEVELOPMENT_TOKEN_SECRET}")


def test_a_process_gets_one_line_per_problem_and_no_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEPLOYMENT_ENVIRONMENT", "production")
    monkeypatch.setenv("TOKEN_SECRET", "short-but-sixteen-chars")
    monkeypatch.setenv("NOTIFY_MONGO_TIMEOUT_MS", "ten-seconds")
    with pytest.raises(SystemExit) as stopped:
        settings_for("notify")
    message = str(stopped.value.code)
    assert message.startswith("notify: the configuration is not valid:")
    assert "MONGO_TIMEOUT_MS:" in message
    assert "TOKEN_SECRET must be a random value" not in message  # fields fail first
    assert "short-but-sixteen-chars" not in message and "ten-seconds" not in message
    monkeypatch.setenv("NOTIFY_MONGO_TIMEOUT_MS", "10000")
    with pytest.raises(SystemExit) as stopped:
        settings_for("notify")
    assert "TOKEN_SECRET must be a random value" in str(stopped.value.code)
    assert "short-but-sixteen-chars" not in str(stopped.value.code)


def test_a_bad_mail_server_setting_stops_notify_without_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SMTP_PASSWORD", "hunter2-the-smtp-password")
    monkeypatch.setenv("NOTIFY_SMTP_PORT", "twenty-five")
    monkeypatch.setenv("SMTP_SECURITY", "hunter3-not-a-choice")
    with pytest.raises(SystemExit) as stopped:
        settings_for("notify", SmtpSettings)
    lines = str(stopped.value.code).splitlines()
    assert lines[0] == "notify: the configuration is not valid:"
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["SMTP_PORT", "SMTP_SECURITY"]
    assert "hunter" not in str(stopped.value.code) and "twenty-five" not in str(
        stopped.value.code)
    monkeypatch.setenv("NOTIFY_SMTP_PORT", "25")
    monkeypatch.setenv("SMTP_SECURITY", "starttls")
    assert settings_for("notify", SmtpSettings).smtp_port == 25
