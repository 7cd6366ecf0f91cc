"""Allow ``python -m digest``."""

from digest.cli import run

if __name__ == "__main__":
    run()
