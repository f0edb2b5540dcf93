"""Pure rules and figures of the numbers service: no I/O library is imported here."""
