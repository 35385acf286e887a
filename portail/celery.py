import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Les tâches du socle (e-mails, purge) : portail/noyau/tasks.py.
app.autodiscover_tasks(["portail.noyau"])
