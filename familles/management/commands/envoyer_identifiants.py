from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction

from familles.identifiants import compte_preparer, familles_a_servir, identifiants_planifier
from portail.commandes import CommandeFrancaise


class Command(CommandeFrancaise):
    help = (
        "Crée les comptes manquants des familles (identifiant = numéro de famille) et leur "
        "envoie par e-mail, via Celery, un mot de passe temporaire tiré au hasard. Sans "
        "option : les familles sans compte et celles qui n'ont pas encore fait leur première "
        "connexion. Le mot de passe n'est jamais affiché."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        choix = parser.add_mutually_exclusive_group()
        choix.add_argument(
            "--famille",
            metavar="NUMERO",
            default="",
            help="cette famille seulement (nouvel envoi même si son compte sert déjà)",
        )
        choix.add_argument(
            "--nouvelles",
            action="store_true",
            help="seulement les familles qui n'ont pas encore de compte",
        )
        parser.add_argument(
            "--essai",
            action="store_true",
            help="affiche ce qui serait fait, sans créer de compte ni envoyer d'e-mail",
        )

    def handle(self, *args, famille: str, nouvelles: bool, essai: bool, **options) -> None:
        familles = list(familles_a_servir(numero=famille, nouvelles=nouvelles))
        if famille and not familles:
            raise CommandError(f"Aucune famille n'a le numéro {famille}.")
        crees = envois = 0
        ignorees: list[str] = []
        for rang, une_famille in enumerate(familles, start=1):
            try:
                # Une transaction par famille : l'e-mail part dès que son compte est prêt.
                with transaction.atomic():
                    preparation = compte_preparer(famille=une_famille, essai=essai)
                    if not essai and preparation.compte is not None:
                        identifiants_planifier(compte=preparation.compte)
            except ValidationError as exc:
                ignorees.append(exc.messages[0])
                continue
            crees += preparation.cree
            envois += 1
            if essai or options["verbosity"] > 1:
                action = "compte à créer" if preparation.cree else "compte existant"
                self.stdout.write(
                    f"  {une_famille.numero} {une_famille.nom} : {action}, "
                    f"envoi à {preparation.adresse}"
                )
            if rang % 500 == 0:
                self.stdout.write(f"{rang}/{len(familles)} familles traitées…")
        for message in ignorees:
            self.stderr.write(f"Ignorée : {message}")
        if essai:
            titre = "Essai (rien n'a été créé ni envoyé)"
            bilan = f"{crees} compte(s) à créer, {envois} envoi(s) à faire"
        else:
            titre = "Identifiants envoyés"
            bilan = f"{crees} compte(s) créé(s), {envois} e-mail(s) mis en file d'envoi"
        self.stdout.write(
            self.style.SUCCESS(f"{titre} : {bilan}, {len(ignorees)} famille(s) ignorée(s).")
        )
