"""The `backtrack` script's entry, and `python -m backtrack`: the command line, with the
garbage collector paused until start-up is over (see `backtrack.collector`)."""

from backtrack.collector import pause_for_start_up, resume_collection


def main() -> None:
    """Run the `backtrack` command line (it exits the process with the command's status)."""
    pause_for_start_up()
    from backtrack.cli import main as run_command_line

    try:
        run_command_line()
    finally:
        resume_collection()


if __name__ == "__main__":
    main()
