"""Text: chapter files read (`formats/`, `ingest`, `sources`) and split into narration
and dialogue (`segment`, with `quotes`, `sentences` and `speech`, which tells speech from
other quotations); `english` holds the word lists."""
