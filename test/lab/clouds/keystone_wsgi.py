"""WSGI entry point for the lab's Keystone under gunicorn.

Keystone parses sys.argv with oslo.config when it initialises; gunicorn's own arguments would make
every worker die with "unrecognized arguments". The config file comes from OS_KEYSTONE_CONFIG_FILES.
"""
import sys

sys.argv = [sys.argv[0]]

from keystone.server.wsgi import initialize_public_application  # noqa: E402

application = initialize_public_application()
