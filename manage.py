#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line
    from django.db import connection
    from django.db.utils import OperationalError

    from kajet.core.startup import database_problem, exit_with, settings_or_exit

    # Bad configuration is one line (kajet: cannot start: …) and exit status 3, not a traceback.
    settings_or_exit()
    try:
        execute_from_command_line(sys.argv)
    except OperationalError as error:
        if connection.connection is not None:  # connected: a failure of the command itself
            raise
        exit_with([database_problem(error)])


if __name__ == "__main__":
    main()
