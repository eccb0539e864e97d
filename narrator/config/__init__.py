"""Configuration: voices.yaml, and the corrections files beside the chapters.

`yamlnodes` reads YAML keeping line numbers; `voices` turns voices.yaml into a `Config`;
`corrections` reads and merges `<chapter>.speakers.yaml`; `starter` writes the voices.yaml
`narrator init` proposes.
"""

from __future__ import annotations

from narrator.config.voices import check_files, load_config, parse_config

__all__ = ["check_files", "load_config", "parse_config"]
