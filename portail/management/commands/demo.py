import importlib
import importlib.util

from django.apps import apps
from django.db import transaction

from portail.noyau.commandes import CommandeFrancaise

# Ordre de chargement : chaque application s'appuie sur les précédentes.
ORDRE = ["portail", "familles", "demandes", "reservations", "facturation", "pieces"]


class Command(CommandeFrancaise):
    help = (
        "Charge la commune de démonstration (idempotent : relancer ne crée rien en double) "
        "et affiche les comptes de démonstration."
    )

    def handle(self, *args, **options) -> None:
        comptes: list[str] = []
        with transaction.atomic():
            for label in ORDRE:
                config = apps.get_app_config(label)
                nom = f"{config.name}.demo"
                if importlib.util.find_spec(nom) is None:
                    continue
                module = importlib.import_module(nom)
                comptes.extend(module.charger() or [])
        self.stdout.write(self.style.SUCCESS("Commune de démonstration prête."))
        for ligne in comptes:
            self.stdout.write(f"  {ligne}")
