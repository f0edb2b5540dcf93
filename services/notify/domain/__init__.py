"""What notify decides without I/O: who gets which mail, in which language, and when."""
