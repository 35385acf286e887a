from django.db import transaction

from portail.noyau.commandes import CommandeFrancaise
from portail.noyau.registre import chargeurs_demo


class Command(CommandeFrancaise):
    help = (
        "Charge la commune de démonstration (idempotent : relancer ne crée rien en double) "
        "et affiche les comptes de démonstration."
    )

    def handle(self, *args, **options) -> None:
        comptes: list[str] = []
        with transaction.atomic():
            # Dans l'ordre des branchements (INSTALLED_APPS) : chacune s'appuie sur les
            # précédentes.
            for charger in chargeurs_demo():
                comptes.extend(charger() or [])
        self.stdout.write(self.style.SUCCESS("Commune de démonstration prête."))
        for ligne in comptes:
            self.stdout.write(f"  {ligne}")
