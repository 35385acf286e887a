"""Le travail du jour en tête de l'accueil de l'administration (agents, régisseurs)."""

from dataclasses import dataclass

from django import template
from django.urls import reverse

from demandes.models import Demande, Direction, Message, StatutDemande
from pieces.models import Piece, StatutPiece

register = template.Library()


@dataclass(frozen=True)
class Raccourci:
    libelle: str
    url: str
    nombre: int | None = None


@register.simple_tag(takes_context=True)
def travail_du_jour(context) -> list[Raccourci]:
    """Les liens vers le travail courant que l'utilisateur a le droit de faire.

    Une requête par compteur (demandes, pièces, messages), quel que soit le volume.
    """
    user = context["request"].user
    raccourcis: list[Raccourci] = []
    if user.has_perm("demandes.view_demande"):
        nombre = Demande.objects.filter(statut=StatutDemande.EN_ATTENTE).count()
        url = reverse("admin:demandes_demande_changelist") + "?statut__exact=en_attente"
        raccourcis.append(Raccourci("Demandes en attente", url, nombre))
    if user.has_perm("reservations.change_reservation"):
        # Sans paramètre, le pointage propose le jour même.
        raccourcis.append(Raccourci("Pointage du jour", reverse("admin:reservations_pointage")))
    if user.has_perm("reservations.view_reservation"):
        raccourcis.append(Raccourci("Effectifs", reverse("admin:reservations_effectifs")))
    if user.has_perm("pieces.view_piece"):
        nombre = Piece.objects.filter(statut=StatutPiece.EN_ATTENTE).count()
        url = reverse("admin:pieces_piece_changelist") + "?statut__exact=en_attente"
        raccourcis.append(Raccourci("Pièces à valider", url, nombre))
    if user.has_perm("demandes.view_message"):
        nombre = Message.objects.filter(
            direction=Direction.FAMILLE_VERS_MAIRIE, lu_le__isnull=True
        ).count()
        url = reverse("admin:demandes_message_changelist")
        raccourcis.append(Raccourci("Messages non lus", url, nombre))
    if user.has_perm("facturation.add_reglement"):
        raccourcis.append(
            Raccourci(
                "Enregistrer un règlement", reverse("admin:facturation_reglement_enregistrer")
            )
        )
    return raccourcis
