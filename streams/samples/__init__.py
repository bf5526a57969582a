"""Demo articles shipped as package data for ``newsalert demo`` (articles.jsonl)."""
