"""The `credit` console script: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit.settings")
    from django.core.management import execute_from_command_line

    from credit.config import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        # A configuration the platform cannot run with makes every command unusable:
        # exit 2 like a usage error, with the message and no traceback.
        print(exc.message, file=sys.stderr)
        print("请检查 CREDIT_* 环境变量（说明见 docs/operations.md）。", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
