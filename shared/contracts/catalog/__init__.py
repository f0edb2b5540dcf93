"""Contracts of the catalog service: `events` it publishes or consumes, `rpc` it answers."""
