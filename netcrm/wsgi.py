import gc
import os

from django.core.wsgi import get_wsgi_application

from netcrm.lib.startup import load_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netcrm.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their modules, and the URLconf and every
# template, which the first requests would load anyway: some 170,000 objects) lives as
# long as the process. Frozen, the collector stops walking it on every full
# collection: a page that makes many objects (a hub's "led to" of 3,000 people, the
# duplicates of 10,000 contacts) no longer pauses for 50-120 ms now and then
# (bench/README.md).
load_for_serving()
gc.collect()
gc.freeze()
