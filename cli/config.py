"""`dialogues config`: every setting, its default and what it does."""

from __future__ import annotations

import argparse
import os

from shared.settings import describe


def run_config(_: argparse.Namespace) -> int:
    """Print the settings table, marking the ones set in this environment."""
    for variable, default, description in describe():
        mark = "*" if variable in os.environ else " "
        print(f"{mark} {variable:<30} {default or '-':<24} {description}")
    return 0
