"""Pure rules of search and harvesting: no I/O, no engine, no database."""
