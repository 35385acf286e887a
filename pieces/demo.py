"""Démo des pièces, de la boîte de réception et des infos : les pièces exigées pour la
CANTINE (manquantes pour DUPONT), un formulaire à télécharger, un message non lu de la mairie
à DUPONT et une information sur l'accueil."""

from django.core.files.base import ContentFile
from django.utils import timezone

from demandes.models import Direction, Message
from demandes.services import message_envoyer
from familles.models import Enfant, Famille
from portail.noyau.annee_scolaire import annee_preparee
from portail.noyau.models import Actualite
from portail.noyau.pdf import rendre_pdf
from reservations.models import Activite, Inscription, TypeActivite

from .models import DocumentTelechargeable, Portee, TypePiece, Validite

SUJET_MESSAGE = "Bienvenue sur le Portail Famille"


def charger() -> list[str]:
    aujourdhui = timezone.localdate()
    cantine, _ = Activite.objects.get_or_create(
        nom="CANTINE", defaults={"type": TypeActivite.CANTINE, "ordre": 1}
    )
    for nom, ordre in [("Justificatif de domicile", 1), ("Avis d'imposition", 2)]:
        type_piece, _ = TypePiece.objects.get_or_create(
            nom=nom,
            defaults={
                "portee": Portee.FAMILLE,
                "validite": Validite.ANNEE_SCOLAIRE,
                "ordre": ordre,
            },
        )
        if not type_piece.activites.filter(pk=cantine.pk).exists():
            type_piece.activites.add(cantine)  # pas de ligne d'historique à chaque démo

    lise = Enfant.objects.filter(famille__numero="1001", prenom="Lise").first()
    if lise is not None:
        debut_annee = annee_preparee(aujourdhui).debut
        Inscription.objects.get_or_create(
            enfant=lise, activite=cantine, defaults={"date_debut": debut_annee}
        )

    if not DocumentTelechargeable.objects.filter(titre="Règlement de la restauration scolaire"):
        contenu = rendre_pdf("pieces/pdf/reglement_demo.html", {})
        document = DocumentTelechargeable(
            titre="Règlement de la restauration scolaire",
            description="À lire avant la première réservation (PDF)",
        )
        document.fichier.save("reglement-restauration.pdf", ContentFile(contenu), save=True)

    dupont = Famille.objects.filter(numero="1001").first()
    if dupont is not None and not Message.objects.filter(
        famille=dupont, direction=Direction.MAIRIE_VERS_FAMILLE, sujet=SUJET_MESSAGE
    ):
        message_envoyer(
            direction=Direction.MAIRIE_VERS_FAMILLE,
            famille=dupont,
            sujet=SUJET_MESSAGE,
            texte="Bonjour,\n\nVotre dossier est presque complet : il reste le justificatif "
            "de domicile et l'avis d'imposition à transmettre depuis la page « Pièces ».\n\n"
            "Le service périscolaire",
        )

    Actualite.objects.get_or_create(
        titre="Inscriptions aux accueils de loisirs des vacances",
        defaults={
            "texte": "Les réservations pour les prochaines vacances sont ouvertes sur le "
            "portail jusqu'à trois semaines avant le début des vacances.",
            "lien": "https://www.example.fr/",
            "libelle_lien": "Le programme des activités",
            "affichee_du": aujourdhui,
        },
    )
    return [
        "Pièces : Justificatif de domicile et Avis d'imposition exigés pour la CANTINE "
        "(manquants pour DUPONT), un formulaire à télécharger",
        "Boîte de réception : un message non lu de la mairie pour DUPONT ; une info sur l'accueil",
    ]
