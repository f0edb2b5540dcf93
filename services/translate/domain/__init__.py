"""The translate domain: jobs, segments, glossary and memory rules. No I/O here."""
