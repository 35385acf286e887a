from django.core.management.base import CommandParser

from portail.noyau.commandes import CommandeFrancaise
from portail.noyau.conservation import donnees_purger


class Command(CommandeFrancaise):
    help = (
        "Applique la politique de conservation (docs/exploitation.md) : supprime les demandes "
        "traitées, messages, pièces, fichiers et entrées d'historique plus anciens que leur "
        "durée de conservation. Les factures et les règlements ne sont jamais supprimés."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--essai",
            action="store_true",
            help="compte ce qui serait supprimé, sans rien supprimer",
        )

    def handle(self, *args, essai: bool, **options) -> None:
        resultats = donnees_purger(essai=essai)
        verbe = "à supprimer" if essai else "supprimé(s)"
        total_lignes = total_fichiers = 0
        for resultat in resultats:
            regle = resultat.regle
            if not resultat.lignes and not resultat.fichiers and options["verbosity"] < 2:
                continue
            ligne = f"  {regle.libelle} (plus de {regle.jours} jours) : {resultat.lignes} {verbe}"
            if resultat.fichiers:
                ligne += f", dont {resultat.fichiers} fichier(s)"
            if resultat.cascade:
                ligne += (
                    " (avec "
                    + ", ".join(f"{n} {label}" for label, n in sorted(resultat.cascade.items()))
                    + ")"
                )
            self.stdout.write(ligne)
            total_lignes += resultat.lignes
            total_fichiers += resultat.fichiers
        titre = "Essai (rien n'a été supprimé)" if essai else "Purge terminée"
        self.stdout.write(
            self.style.SUCCESS(
                f"{titre} : {total_lignes} ligne(s) et {total_fichiers} fichier(s) {verbe}."
            )
        )
