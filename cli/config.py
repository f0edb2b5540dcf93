"""`dialogues config`: every setting, its default and what it does."""

from __future__ import annotations

import argparse
import os

from services.notify.settings import NotifySettings
from services.registration.settings import RegistrationSettings
from services.translate.settings import TranslateSettings
from shared.settings import Settings, describe


def run_config(_: argparse.Namespace) -> int:
    """Print the settings tables, marking the ones set in this environment."""
    for settings_class in (Settings, RegistrationSettings, TranslateSettings, NotifySettings):
        for variable, default, description in describe(settings_class):
            mark = "*" if variable in os.environ else " "
            print(f"{mark} {variable:<34} {default or '-':<24} {description}")
    return 0
