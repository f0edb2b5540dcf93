"""Contracts of the registration service: `events` it publishes or consumes, `rpc` it answers."""
