"""Settings for the test suite: development mode, background jobs run inline."""

import os

os.environ.setdefault("CREDIT_DEBUG", "1")
# The checkout's var/demo.env (left by `make run`) is not the suite's configuration.
os.environ.setdefault("CREDIT_ENV_FILE", "")
os.environ.setdefault("CREDIT_TASKS_IMMEDIATE", "1")
os.environ.setdefault("CREDIT_MEDIA_ROOT", "var/test-media")

from credit.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only in tests
