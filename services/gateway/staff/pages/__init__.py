"""Staff page modules; each has a `HANDLERS` list that `services.gateway.staff` mounts."""
