"""`python -m backtrack` runs the same command line as the `backtrack` script."""

from backtrack.cli import main

if __name__ == "__main__":
    main()
