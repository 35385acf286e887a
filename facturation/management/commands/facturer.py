from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from facturation.forms import MoisField
from facturation.models import Regie
from facturation.services import facturation_lancer
from portail.noyau.commandes import CommandeFrancaise


class Command(CommandeFrancaise):
    help = (
        "Facture un mois (réservé, présent, absent facturé) pour chaque famille et régie. "
        "Relancer ne facture rien deux fois. Ex. : facturer --mois 2026-11 [--essai]"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--mois", required=True, help="Mois à facturer, ex. 2026-11")
        parser.add_argument("--regie", help="Préfixe d'une seule régie (ex. CA)")
        parser.add_argument("--essai", action="store_true", help="Calculer sans rien émettre")

    def handle(self, *args, **options) -> None:
        try:
            mois = MoisField().clean(options["mois"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        regie = None
        if options["regie"]:
            regie = Regie.objects.filter(prefixe=options["regie"]).first()
            if regie is None:
                raise CommandError(f"Aucune régie de préfixe « {options['regie']} ».")
        resultats = facturation_lancer(mois=mois, regie=regie, essai=options["essai"])
        if not resultats:
            raise CommandError("Aucune régie n'est configurée.")
        for resultat in resultats:
            self.stdout.write(resultat.resume())
            for ligne in resultat.sans_tarif[:20]:
                self.stdout.write(f"  sans tarif : {ligne}")
