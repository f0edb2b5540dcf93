"""The catalog's rules: documents, their language versions and files. No I/O here."""
