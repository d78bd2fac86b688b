"""`python -m provisioner.cli_main` runs the `idp` command (same as the console script)."""

from provisioner.cli import app

if __name__ == "__main__":
    app()
