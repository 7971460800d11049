"""Where things are kept: the SQLite store, the index directory, atomic files, the writer lock."""
