from django.core.management.base import CommandError

from facturation.attestations import (
    attestation_frais_garde,
    familles_a_attester,
    pdf_attestation,
)
from facturation.emails import envoyer_attestation_frais_garde
from portail.noyau.commandes import CommandeFrancaise
from portail.noyau.formats import format_montant


class Command(CommandeFrancaise):
    help = (
        "Construit l'attestation de frais de garde d'une année civile (enfants de moins de "
        "6 ans, article 200 quater B du CGI) pour chaque famille qui a payé une activité "
        "éligible, et l'envoie par e-mail avec --envoyer. "
        "Ex. : attestations --annee 2026 [--essai] [--envoyer]"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--annee", required=True, type=int, help="Année civile, ex. 2026")
        parser.add_argument(
            "--essai", action="store_true", help="Calculer les montants sans rien envoyer"
        )
        parser.add_argument(
            "--envoyer", action="store_true", help="Envoyer chaque attestation par e-mail"
        )

    def handle(self, *args, **options) -> None:
        annee = options["annee"]
        if not 2000 <= annee <= 2100:
            raise CommandError(f"Année invalide : {annee}.")
        essai, envoyer = options["essai"], options["envoyer"]
        nombre, envois = 0, 0
        for famille in familles_a_attester(annee):
            attestation = attestation_frais_garde(famille=famille, annee=annee)
            if attestation.vide:
                continue
            nombre += 1
            if not essai:
                pdf_attestation(attestation)  # le PDF se construit (erreur visible ici)
            destinataire = ", ".join(famille.adresses_a_ecrire())
            self.stdout.write(
                f"  {famille.numero} {famille.nom} : {format_montant(attestation.total)}"
                f" ({', '.join(e.prenom for e in attestation.enfants)})"
                + (f" → {destinataire or 'sans adresse e-mail'}" if envoyer else "")
            )
            if envoyer and destinataire:
                envois += 1
                if not essai:
                    envoyer_attestation_frais_garde.delay(famille_id=famille.pk, annee=annee)
        bilan = f"{nombre} attestation{'s' if nombre > 1 else ''} de frais de garde {annee}"
        if envoyer:
            verbe = "seraient envoyées" if essai else "envoyées par e-mail"
            bilan += f", {envois} {verbe}"
        if essai:
            bilan += " (essai : rien n'est envoyé)"
        self.stdout.write(bilan + ".")
