"""Les pièces : transmission par une famille (une demande), validation, refus."""

import calendar
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from demandes.models import Demande
from demandes.services import Ligne, demande_creer
from familles.models import Enfant, Famille
from portail.noyau.annee_scolaire import annee_preparee

from .models import Piece, Portee, StatutPiece, TypePiece, Validite

TYPE_DEMANDE = "piece"


def ajouter_mois(le: date, mois: int) -> date:
    total = le.month - 1 + mois
    annee, mois_final = le.year + total // 12, total % 12 + 1
    jour = min(le.day, calendar.monthrange(annee, mois_final)[1])
    return date(annee, mois_final, jour)


def date_de_fin(type_piece: TypePiece, le: date) -> date | None:
    if type_piece.validite == Validite.ANNEE_SCOLAIRE:
        # Dès juillet, on prépare la rentrée : une pièce reçue l'été vaut pour l'année
        # qui commence.
        return annee_preparee(le).fin
    if type_piece.validite == Validite.MOIS:
        return ajouter_mois(le, type_piece.duree_mois or 12)
    return None


@transaction.atomic
def piece_transmettre(
    *,
    famille: Famille,
    type_piece: TypePiece,
    fichier: UploadedFile,
    enfant: Enfant | None = None,
    commentaire: str = "",
    auteur: Any = None,
) -> Piece:
    """Enregistre le fichier (déjà vérifié par portail.noyau.fichiers.verifier_fichier) et crée la
    demande « piece » que l'agent validera."""
    if not type_piece.actif:
        raise ValidationError("Ce type de pièce n'est plus demandé.")
    if type_piece.portee == Portee.ENFANT:
        if enfant is None:
            raise ValidationError("Choisissez l'enfant concerné par cette pièce.")
        if famille.pk not in enfant.foyers_ids():  # garde alternée : l'un ou l'autre foyer
            raise ValidationError("Cet enfant n'appartient pas à votre famille.")
    else:
        enfant = None
    nom = (fichier.name or "fichier")[:120]
    # Verrou sur la famille : un double clic ne crée pas deux demandes pour le même fichier.
    type(famille).objects.select_for_update().filter(pk=famille.pk).first()
    if Piece.objects.filter(
        famille=famille,
        type=type_piece,
        enfant=enfant,
        nom_fichier=nom,
        statut=StatutPiece.EN_ATTENTE,
        deposee_le__gte=timezone.now() - timedelta(minutes=2),
    ).exists():
        raise ValidationError(
            "Cette pièce vient déjà d'être transmise : elle attend la validation de la mairie."
        )
    piece = Piece(
        famille=famille,
        enfant=enfant,
        type=type_piece,
        nom_fichier=nom,
        deposee_par=auteur if getattr(auteur, "is_authenticated", False) else None,
    )
    piece.fichier.save(nom, fichier, save=False)
    # Si la transaction échoue plus loin, le fichier ne doit pas rester orphelin.
    nom_stocke = piece.fichier.name
    stockage = piece.fichier.storage
    try:
        piece.save()
        libelle = piece.type.nom + (f" pour {enfant.prenom}" if enfant else "")
        demande = demande_creer(
            famille=famille,
            type=TYPE_DEMANDE,
            resume=f"Pièce transmise : {libelle}",
            personne=str(enfant) if enfant else "",
            lignes=[
                Ligne(
                    libelle=libelle,
                    champ="fichier",
                    nouvelle_valeur=nom,
                    donnees={
                        "piece_id": piece.pk,
                        "url_fichier": reverse("pieces:fichier_agent", args=[piece.pk]),
                    },
                )
            ],
            commentaire=commentaire,
            cible=piece,
            auteur=auteur,
        )
        piece.demande = demande
        piece.save(update_fields=["demande"])
    except Exception:
        stockage.delete(nom_stocke)
        raise
    return piece


def _piece_de_la_demande(demande: Demande) -> Piece:
    piece = Piece.objects.select_for_update().select_related("type").filter(demande=demande).first()
    if piece is None:
        raise ValidationError("La pièce de cette demande a été supprimée.")
    return piece


def piece_appliquer(*, demande: Demande, lignes: list) -> str:
    """Crochet ``appliquer`` du type « piece » : la pièce est validée, sa date de fin fixée."""
    piece = _piece_de_la_demande(demande)
    if not lignes:
        raise ValidationError("Une pièce se valide ou se refuse en entier.")
    piece_valider(piece=piece)
    if piece.valide_jusqu_au:
        return f"Pièce validée, valable jusqu'au {piece.valide_jusqu_au:%d/%m/%Y}."
    return "Pièce validée."


def piece_refuser(*, demande: Demande) -> None:
    """Crochet ``refuser`` (par un agent ou une règle automatique) : pièce refusée."""
    piece = _piece_de_la_demande(demande)
    piece.statut = StatutPiece.REFUSEE
    piece.traitee_le = timezone.now()
    piece.save(update_fields=["statut", "traitee_le"])


def piece_annuler(*, demande: Demande) -> None:
    """Crochet ``annuler`` : la famille supprime sa demande en attente, la pièce est
    annulée."""
    piece = _piece_de_la_demande(demande)
    piece.statut = StatutPiece.ANNULEE
    piece.traitee_le = timezone.now()
    piece.save(update_fields=["statut", "traitee_le"])


@transaction.atomic
def piece_valider(*, piece: Piece, le: date | None = None) -> Piece:
    if piece.statut == StatutPiece.VALIDEE:
        raise ValidationError("Cette pièce est déjà validée.")
    le = le or timezone.localdate()
    piece.statut = StatutPiece.VALIDEE
    piece.valide_jusqu_au = date_de_fin(piece.type, le)
    piece.traitee_le = timezone.now()
    piece.save(update_fields=["statut", "valide_jusqu_au", "traitee_le"])
    return piece


def piece_decrire(*, lignes: list) -> dict[int, str]:
    """Crochet ``decrire`` : le lien vers le fichier, pour l'agent."""
    return {
        ligne.pk: f"Fichier : {ligne.donnees.get('url_fichier', '')}"
        for ligne in lignes
        if ligne.donnees.get("url_fichier")
    }
