"""`python -m narrator`, and the `narrator` command: the CLI, with a Ctrl-C pressed while
it loads (that takes half a second) ending in one line like any other interruption."""

from __future__ import annotations

import signal
import sys


def run() -> None:
    # Held while the CLI loads: a KeyboardInterrupt raised inside some library's import or
    # __del__ would print a traceback, or be swallowed and let the build go on.
    pressed: list[int] = []
    default = signal.signal(signal.SIGINT, lambda number, _frame: pressed.append(number))
    from narrator.cli import main  # the import this guards

    signal.signal(signal.SIGINT, default)
    if pressed:
        sys.stderr.write("Error: interrupted\n")
        sys.exit(130)
    main()


if __name__ == "__main__":
    run()
