"""The registration service's fast tier: scenarios in memory, and again on the real servers."""
