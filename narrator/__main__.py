"""`python -m narrator`, and the `narrator` command: the CLI, with a Ctrl-C pressed while
it loads ending in one line like any other interruption."""

from __future__ import annotations

from narrator.interrupts import exit_if_pressed, held_while_loading, stop_on_terminate


def run() -> None:
    with held_while_loading() as pressed:
        from narrator.cli import main  # the import this guards
    exit_if_pressed(pressed)
    stop_on_terminate()
    main()


if __name__ == "__main__":
    run()
