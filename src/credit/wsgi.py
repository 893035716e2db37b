import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "credit.settings")
django_application = get_wsgi_application()

# The credit check answers through its own lean entry; every other request goes to Django.
from credit.checks.check_entry import CheckEntry  # noqa: E402  (needs the app registry)

application = CheckEntry(django_application)
