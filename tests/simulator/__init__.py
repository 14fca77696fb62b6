"""MIM CM REST API simulator (test and demo infrastructure; not part of the collection)."""
