"""Des lignes appartenant à une famille donnée, pour éprouver la frontière des familles.

Chaque fabrique prend une famille et renvoie la ligne créée : les tests demandent ensuite
l'URL de cette ligne avec le compte d'une AUTRE famille, un anonyme ou un agent.
"""

from datetime import date
from decimal import Decimal
from typing import cast

from django.core.files.base import ContentFile

from demandes.models import Demande, Direction, Message
from facturation.models import Facture, Mandat, ModeReglement, Reglement, TransactionPaiement
from familles.models import Enfant, Famille, Responsable
from pieces.models import Piece, Portee, TypePiece
from reservations.models import Absence, MotifAbsence, Reservation
from tests.factories import compte_de
from tests.facturation.factories import RegieFactory
from tests.reservations.factories_planning import PDF, ReservationFactory, cantine


def enfant(famille: Famille) -> Enfant:
    return famille.enfants.order_by("pk")[0]


def responsable(famille: Famille) -> Responsable:
    return famille.responsables.order_by("pk")[0]


def demande(famille: Famille) -> Demande:
    return Demande.objects.create(
        famille=famille,
        type="renseignements_famille",
        resume=f"Demande de la famille {famille.nom}",
        personne=famille.nom,
        cree_par=compte_de(famille),
    )


def message(famille: Famille) -> Message:
    message = Message(
        famille=famille,
        direction=Direction.MAIRIE_VERS_FAMILLE,
        sujet=f"Pour la famille {famille.nom}",
        texte="Bonjour.",
        nom_piece_jointe="courrier.pdf",
    )
    message.piece_jointe.save("courrier.pdf", ContentFile(PDF), save=False)
    message.save()
    return message


def reservation(famille: Famille) -> Reservation:
    return cast(
        Reservation,
        ReservationFactory(enfant=enfant(famille), unite=cantine(), date=date(2026, 11, 20)),
    )


def attente(famille: Famille) -> Reservation:
    """Une inscription sur la liste d'attente d'un jour."""
    return cast(
        Reservation,
        ReservationFactory(
            enfant=enfant(famille),
            unite=cantine(),
            date=date(2026, 11, 23),
            etat="liste_attente",
            rang_attente=1,
        ),
    )


def absence(famille: Famille) -> Absence:
    absence = Absence(
        reservation=reservation(famille),
        motif=MotifAbsence.MALADIE,
        certificat_nom="certificat.pdf",
    )
    absence.certificat.save("certificat.pdf", ContentFile(PDF), save=False)
    absence.save()
    return absence


def _regie():
    return RegieFactory(prefixe="SE", nom="Régie sécurité")


def facture(famille: Famille) -> Facture:
    regie = _regie()
    ordre = Facture.objects.filter(regie=regie).count() + 1
    return Facture.objects.create(
        regie=regie,
        famille=famille,
        numero_ordre=ordre,
        numero=f"SE-{ordre:05d}",
        periode_debut=date(2026, 10, 1),
        periode_fin=date(2026, 10, 31),
        date=date(2026, 11, 2),
        echeance=date(2026, 12, 2),
        total=Decimal("17.00"),
    )


def reglement(famille: Famille) -> Reglement:
    regie = _regie()
    return Reglement.objects.create(
        regie=regie,
        famille=famille,
        numero=Reglement.objects.filter(regie=regie).count() + 1,
        date=date(2026, 11, 3),
        mode=ModeReglement.CHEQUE,
        montant=Decimal("17.00"),
    )


def mandat(famille: Famille) -> Mandat:
    regie = _regie()
    rang = Mandat.objects.filter(famille=famille).count() + 1
    return Mandat.objects.create(
        famille=famille,
        regie=regie,
        rum=f"SE{famille.numero}M{rang:03d}",
        ics="FR72ZZZ123456",
        titulaire=famille.nom,
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )


def transaction(famille: Famille) -> TransactionPaiement:
    return TransactionPaiement.objects.create(
        famille=famille,
        regie=_regie(),
        reference="SE-00001",
        montant=Decimal("17.00"),
        email=famille.email,
    )


def piece(famille: Famille) -> Piece:
    type_piece, _ = TypePiece.objects.get_or_create(
        nom="Attestation d'assurance", defaults={"portee": Portee.FAMILLE}
    )
    piece = Piece(famille=famille, type=type_piece, nom_fichier="assurance.pdf")
    piece.fichier.save("assurance.pdf", ContentFile(PDF), save=False)
    piece.save()
    return piece
