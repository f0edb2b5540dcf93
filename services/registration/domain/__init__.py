"""Registration rules: pure functions, no I/O; time and ids come in as arguments."""
