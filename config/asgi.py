import os

from django.core.asgi import get_asgi_application

from kajet.core.startup import start_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Bad configuration stops the process here with one line, never at the first request.
application = start_or_exit(get_asgi_application)
