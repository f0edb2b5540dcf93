"""The catalog's search: a tantivy index per process, derived from MongoDB, kept current."""
