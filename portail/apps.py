from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class PortailConfig(AppConfig):
    name = "portail"
    verbose_name = "Portail"

    def ready(self) -> None:
        # Chaque application (le site compris) se branche au registre du socle dans son
        # module branchement.py, importé ici dans l'ordre d'INSTALLED_APPS, comme l'admin
        # importe les admin.py : tous les modèles sont chargés, aucune application nommée.
        autodiscover_modules("branchement")
