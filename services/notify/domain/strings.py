"""The mail texts in es, en, pt and fr, and dates written the way each language writes them."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.reference import LanguageCode

LANGUAGES: tuple[LanguageCode, ...] = ("es", "en", "pt", "fr")
MESSAGES = Path(__file__).resolve().parent.parent / "templates" / "messages"


class Strings:
    """Texts by language and key; every language holds every key (a unit test checks)."""

    def __init__(self, texts: dict[LanguageCode, dict[str, str]]) -> None:
        self.texts = texts

    @classmethod
    def load(cls, folder: Path = MESSAGES) -> Strings:
        """The catalogs shipped in `templates/messages/<lang>.json`."""
        return cls({lang: json.loads((folder / f"{lang}.json").read_text("utf-8"))
                    for lang in LANGUAGES})

    def t(self, language: LanguageCode, key: str, **values: Any) -> str:
        """The text of `key` in `language`, with `{placeholders}` filled."""
        return self.texts[language][key].format(**values)

    def when(self, language: LanguageCode, starts: datetime, ends: datetime, zone: str) -> str:
        """`martes 3 de marzo de 2026, 10:00–11:30 (America/Bogota, UTC-05:00)`."""
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):  # a bad zone must not cost the mail
            tz, zone = ZoneInfo("UTC"), "UTC"
        start, end = starts.astimezone(tz), ends.astimezone(tz)
        offset = start.strftime("%z")
        return self.t(
            language, "date_format", weekday=self.t(language, f"weekday_{start.weekday()}"),
            day=start.day, month=self.t(language, f"month_{start.month}"), year=start.year,
            start=start.strftime("%H:%M"), end=end.strftime("%H:%M"), zone=zone,
            offset=f"{offset[:3]}:{offset[3:]}",
        )
