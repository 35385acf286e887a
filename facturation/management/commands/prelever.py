from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db.models import Q

from facturation.models import Regie
from facturation.prelevement.services import prelevement_lancer
from portail.noyau.commandes import CommandeFrancaise


class Command(CommandeFrancaise):
    help = (
        "Construit le fichier de prélèvement SEPA (pain.008.001.02) d'une régie pour une date : "
        "les factures impayées des familles au mandat signé, annoncées à temps. Un seul fichier "
        "par régie et date. Ex. : prelever --regie CA --date 2027-01-05 [--essai]"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--regie", required=True, help="Préfixe ou nom de la régie (ex. CA)")
        parser.add_argument("--date", required=True, help="Date du prélèvement, ex. 2027-01-05")
        parser.add_argument("--essai", action="store_true", help="Calculer sans créer de fichier")

    def handle(self, *args, **options) -> None:
        try:
            jour = date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError("Indiquez la date sous la forme 2027-01-05.") from exc
        regie = Regie.objects.filter(Q(prefixe=options["regie"]) | Q(nom=options["regie"])).first()
        if regie is None:
            raise CommandError(f"Aucune régie « {options['regie']} ».")
        try:
            resultat = prelevement_lancer(
                regie=regie, date_prelevement=jour, essai=options["essai"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(resultat.resume())
        if resultat.lot is not None:
            self.stdout.write(f"Fichier : {resultat.lot.fichier.name}")
