"""Notify's use cases, grouped by what they react to: load, decide in the domain, save, mail.

- `registration_events`, `catalog_events`, `translate_events`: the events of other services;
- `subscriptions`, `deliveries`: the requests of the public and the secretariat;
- `reminders`, `digests`, `retention`: the passing of time (`pollers` runs them);
- `news`: telling a subscriber, now or in a digest, for the events and the digests alike.

Each takes a `Context` first; none sends a query of its own (`store` does) or reads the system
time (`Context.clock` does).
"""
