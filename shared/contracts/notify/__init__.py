"""Contracts of the notify service: `events` it publishes or consumes, `rpc` it answers."""
