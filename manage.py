#!/usr/bin/env python
"""Simpul's command-line entry point (Django's manage.py)."""

import os
import sys
from pathlib import Path


def main() -> None:
    # The project package lives in platform/ (a plain folder, not a package: the standard
    # library owns the name `platform`), so that folder goes on the import path.
    root = Path(__file__).resolve().parent
    sys.path.insert(0, str(root / "platform"))
    sys.path.insert(1, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simpul.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
