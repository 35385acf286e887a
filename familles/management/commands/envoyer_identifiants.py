from django.core.management.base import CommandError, CommandParser

from familles.services import comptes_preparer, familles_a_servir
from portail.noyau.commandes import CommandeFrancaise

TAILLE_LOT = 500


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
        familles = list(
            familles_a_servir(numero=famille, nouvelles=nouvelles).values_list("pk", flat=True)
        )
        if famille and not familles:
            raise CommandError(f"Aucune famille n'a le numéro {famille}.")
        crees = envois = 0
        ignorees: list[str] = []
        # Un lot par transaction : ses e-mails partent dès que ses comptes sont enregistrés.
        for debut in range(0, len(familles), TAILLE_LOT):
            lot = comptes_preparer(
                famille_ids=familles[debut : debut + TAILLE_LOT],
                essai=essai,
                seulement_sans_compte=nouvelles,
            )
            ignorees += lot.ignorees
            for preparation in lot.preparees:
                crees += preparation.cree
                envois += 1
                if essai or options["verbosity"] > 1:
                    action = "compte à créer" if preparation.cree else "compte existant"
                    self.stdout.write(
                        f"  {preparation.famille.numero} {preparation.famille.nom} : {action}, "
                        f"envoi à {preparation.adresse}"
                    )
            if len(familles) > TAILLE_LOT:
                fait = min(debut + TAILLE_LOT, len(familles))
                self.stdout.write(f"{fait}/{len(familles)} familles traitées…")
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
