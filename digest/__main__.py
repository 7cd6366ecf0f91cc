"""Allow ``python -m digest``."""

from digest.launch import run

if __name__ == "__main__":
    run()
