"""Allow ``python -m dedupe.cli`` (as before the command line became a package)."""

from dedupe.cli import main

if __name__ == "__main__":
    main()
