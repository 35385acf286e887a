"""Les demandes de duplicata de facture et de reçu de règlement (types de Demande)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from demandes.models import Demande, StatutDemande
from demandes.selectors import demandes_en_attente
from demandes.services import Ligne, demande_creer
from familles.models import Famille

from ..emails import envoyer_document_demande
from ..models import DUPLICATA, RECU, Facture, Reglement


@transaction.atomic
def facture_demander_duplicata(
    *, famille: Famille, facture: Facture, auteur: Any = None
) -> Demande:
    if facture.famille_id != famille.pk:
        raise ValidationError("Cette facture n'est pas la vôtre.")
    # Le verrou évite deux demandes identiques sur un double clic.
    Facture.objects.select_for_update().get(pk=facture.pk)
    if demandes_en_attente(famille, types=[DUPLICATA], cible=facture).exists():
        raise ValidationError(
            f"Une demande de duplicata de la facture {facture.numero} est déjà en attente."
        )
    return demande_creer(
        famille=famille,
        type=DUPLICATA,
        resume=f"Duplicata de la facture {facture.numero}",
        lignes=[Ligne(libelle=f"Recevoir la facture {facture.numero} par e-mail")],
        cible=facture,
        auteur=auteur,
    )


@transaction.atomic
def reglement_demander_recu(
    *, famille: Famille, reglement: Reglement, auteur: Any = None
) -> Demande:
    if reglement.famille_id != famille.pk:
        raise ValidationError("Ce règlement n'est pas le vôtre.")
    Reglement.objects.select_for_update().get(pk=reglement.pk)
    if demandes_en_attente(famille, types=[RECU], cible=reglement).exists():
        raise ValidationError(
            f"Une demande de reçu du règlement n°{reglement.numero} est déjà en attente."
        )
    return demande_creer(
        famille=famille,
        type=RECU,
        resume=f"Reçu du règlement n°{reglement.numero} du {reglement.date:%d/%m/%Y}",
        lignes=[Ligne(libelle=f"Recevoir le reçu du règlement n°{reglement.numero} par e-mail")],
        cible=reglement,
        auteur=auteur,
    )


def _cible(demande: Demande, modele: Any) -> Any:
    objet = modele.objects.filter(pk=demande.cible_id, famille_id=demande.famille_id).first()
    if objet is None:
        raise ValidationError("Le document demandé n'existe plus.")
    return objet


def duplicata_appliquer(*, demande: Demande, lignes: list) -> str:
    """Crochet ``appliquer`` du duplicata : l'e-mail part après le traitement."""
    facture = _cible(demande, Facture)
    return f"Le duplicata de la facture {facture.numero} vous est envoyé par e-mail."


def recu_appliquer(*, demande: Demande, lignes: list) -> str:
    """Crochet ``appliquer`` du reçu : l'e-mail part après le traitement."""
    reglement = _cible(demande, Reglement)
    return f"Le reçu du règlement n°{reglement.numero} vous est envoyé par e-mail."


def document_envoyer(*, demande: Demande) -> None:
    """Crochet ``apres_traitement`` : le document accepté part par e-mail (tâche Celery)."""
    if demande.statut == StatutDemande.ACCEPTEE:
        envoyer_document_demande.delay(demande_id=demande.pk)
