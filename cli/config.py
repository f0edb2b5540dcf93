"""`dialogues config`: every setting, its default and what it does."""

from __future__ import annotations

import argparse
import os

from pydantic_settings import BaseSettings

from services.catalog.settings import CatalogSettings
from services.gateway.settings import GatewaySettings
from services.notify.settings import NotifySettings, SmtpSettings
from services.registration.settings import RegistrationSettings
from services.translate.settings import TranslateSettings
from shared.settings import Settings, describe

SETTINGS_CLASSES: tuple[type[BaseSettings], ...] = (
    Settings, GatewaySettings, RegistrationSettings, CatalogSettings, TranslateSettings,
    SmtpSettings, NotifySettings)
"""Every class of settings, shared first, then each service's; README.md lists them all."""


def run_config(_: argparse.Namespace) -> int:
    """Print the settings tables, marking the ones set in this environment."""
    for settings_class in SETTINGS_CLASSES:
        for variable, default, description in describe(settings_class):
            mark = "*" if variable in os.environ else " "
            print(f"{mark} {variable:<34} {default or '-':<24} {description}")
    return 0
