import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

app = Celery("portail")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Dans chaque application : tasks.py (les tâches planifiées, qui appellent les services) et
# emails.py (les e-mails mis en file par les services) ; de même pour le socle.
for module in ("tasks", "emails"):
    app.autodiscover_tasks(related_name=module)
    app.autodiscover_tasks(["portail.noyau"], related_name=module)
