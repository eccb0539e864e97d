"""Text: chapter files read (`formats/`, `ingest`, `sources`) and split into narration
and dialogue (`segment`, with `quotes` and `sentences`); `english` holds the word lists."""
