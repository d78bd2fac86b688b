"""`python -m provisioner.cli_main` runs the `idp` command (same as the console script)."""

from provisioner.entry import main

if __name__ == "__main__":
    main()
