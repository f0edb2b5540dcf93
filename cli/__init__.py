"""The `dialogues` command: start the system, inspect mail, manage API keys."""
