import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules: some 150,000 objects) lives
# as long as the process. Frozen, the collector stops walking it on every full
# collection: a page that makes many objects (a hub's "led to" of 3,000 people) no
# longer pauses for 70 ms now and then (bench/README.md).
gc.freeze()
