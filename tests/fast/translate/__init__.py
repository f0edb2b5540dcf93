"""The translate service's fast tier: its scenarios in memory and against the real servers."""
