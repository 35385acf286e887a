from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from familles.importation import MOTIF_HISTORIQUE, ErreurFichier, familles_importer
from portail.noyau.commandes import CommandeFrancaise

MAX_ERREURS_AFFICHEES = 200


class Command(CommandeFrancaise):
    help = (
        "Importe les familles, leurs adultes et leurs enfants depuis un fichier CSV "
        "(colonnes : voir docs/import_familles.md). Toutes les lignes sont vérifiées d'abord : "
        "à la moindre erreur, rien n'est importé. Réimporter le même fichier met à jour les "
        "familles (clé : le numéro de famille) au lieu de les dupliquer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "fichier",
            metavar="FICHIER",
            help="chemin du fichier CSV (séparateur ; ou , — UTF-8 ou Windows-1252)",
        )
        parser.add_argument(
            "--essai",
            action="store_true",
            help="vérifie et compte ce qui serait importé, sans rien enregistrer",
        )

    def handle(self, *args, fichier: str, essai: bool, **options) -> None:
        chemin = Path(fichier)
        if not chemin.is_file():
            raise CommandError(f"Fichier introuvable : {chemin}")
        try:
            bilan = familles_importer(
                contenu=chemin.read_bytes(),
                essai=essai,
                motif=f"{MOTIF_HISTORIQUE} ({chemin.name})",
                progression=self.stdout.write,
            )
        except ErreurFichier as exc:
            raise CommandError(f"Fichier refusé : {exc}") from exc
        if bilan.erreurs:
            for erreur in bilan.erreurs[:MAX_ERREURS_AFFICHEES]:
                self.stderr.write(str(erreur))
            if len(bilan.erreurs) > MAX_ERREURS_AFFICHEES:
                self.stderr.write(
                    f"… et {len(bilan.erreurs) - MAX_ERREURS_AFFICHEES} autre(s) erreur(s)."
                )
            raise CommandError(
                f"{len(bilan.erreurs)} erreur(s) dans le fichier : rien n'a été importé. "
                "Corrigez les lignes citées puis relancez."
            )
        titre = "Essai (rien n'a été enregistré)" if essai else "Import terminé"
        self.stdout.write(self.style.SUCCESS(f"{titre} : {bilan.lignes} ligne(s)."))
        self.stdout.write(f"  Familles : {bilan.familles}")
        self.stdout.write(f"  Adultes : {bilan.adultes}")
        self.stdout.write(f"  Enfants : {bilan.enfants}")
