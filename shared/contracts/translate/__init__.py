"""Contracts of the translate service: `events` it publishes or consumes, `rpc` it answers."""
