"""Voices: each speaker's voice (`cast`), the speech engines (`engines/`), and the clips
they make (`synth`), cached (`cache`) and matched in loudness (`loudness`)."""
