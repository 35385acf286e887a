from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from portail.noyau.commandes import CommandeFrancaise
from portail.noyau.models import ZoneScolaire
from reservations.calendrier import zone_de_la_commune
from reservations.services import annee_preparer


class Command(CommandeFrancaise):
    help = (
        "Prépare une année scolaire : crée, pour chaque activité active, ses périodes de "
        "réservation mensuelles (« CANTINE SEPTEMBRE 2026, du 01/09/2026 au 30/09/2026 », "
        "réservables jusqu'au 20 du mois précédent) et leurs jours d'ouverture, hors jours "
        "fériés et vacances scolaires de la zone de la commune (sauf activités ouvertes "
        "pendant les vacances) et hors fermetures. Relancer la commande ne crée rien deux fois."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser._positionals.title = "arguments"
        parser._optionals.title = "options"
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("annee", help="l'année scolaire, par exemple 2026-2027")
        parser.add_argument(
            "--essai",
            action="store_true",
            help="calcule et affiche le bilan sans rien enregistrer",
        )
        parser.add_argument(
            "--zone",
            choices=ZoneScolaire.values,
            help="zone de vacances scolaires (par défaut : celle de la configuration)",
        )

    def handle(self, *args, annee: str, essai: bool, zone: str | None, **options) -> None:
        zone = zone or zone_de_la_commune()
        try:
            bilan = annee_preparer(annee=annee, essai=essai, zone=zone)
        except ValidationError as erreur:
            raise CommandError(" ".join(erreur.messages)) from erreur
        assert bilan.jours is not None
        prefixe = "[ESSAI, rien n'est enregistré] " if essai else ""
        self.stdout.write(
            f"{prefixe}Année scolaire {annee} (zone {zone}) : "
            f"du {bilan.debut:%d/%m/%Y} au {bilan.fin:%d/%m/%Y}."
        )
        self.stdout.write(
            f"Périodes : {bilan.periodes_creees} créée(s), "
            f"{bilan.periodes_existantes} déjà présente(s)."
        )
        self.stdout.write(f"Jours : {bilan.jours}.")
        self.stdout.write(self.style.SUCCESS("Terminé."))
