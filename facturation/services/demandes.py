"""Les demandes de duplicata de facture et de reçu de règlement (types de Demande)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from demandes.models import Demande, StatutDemande
from demandes.registre import TypeDemande
from demandes.services import Ligne, demande_creer

from ..models import Facture, Reglement

DUPLICATA = "facture_duplicata"
RECU = "reglement_recu"


def _deja_en_attente(*, famille: Any, type: str, cible: Any) -> bool:
    return Demande.objects.filter(
        famille=famille, type=type, cible_id=cible.pk, statut=StatutDemande.EN_ATTENTE
    ).exists()


@transaction.atomic
def facture_demander_duplicata(*, famille: Any, facture: Facture, auteur: Any = None) -> Demande:
    if facture.famille_id != famille.pk:
        raise ValidationError("Cette facture n'est pas la vôtre.")
    # Le verrou évite deux demandes identiques sur un double clic.
    Facture.objects.select_for_update().get(pk=facture.pk)
    if _deja_en_attente(famille=famille, type=DUPLICATA, cible=facture):
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
def reglement_demander_recu(*, famille: Any, reglement: Reglement, auteur: Any = None) -> Demande:
    if reglement.famille_id != famille.pk:
        raise ValidationError("Ce règlement n'est pas le vôtre.")
    Reglement.objects.select_for_update().get(pk=reglement.pk)
    if _deja_en_attente(famille=famille, type=RECU, cible=reglement):
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


def _appliquer_duplicata(*, demande: Demande, lignes: list, agent: Any) -> str:
    facture = _cible(demande, Facture)
    return f"Le duplicata de la facture {facture.numero} vous est envoyé par e-mail."


def _appliquer_recu(*, demande: Demande, lignes: list, agent: Any) -> str:
    reglement = _cible(demande, Reglement)
    return f"Le reçu du règlement n°{reglement.numero} vous est envoyé par e-mail."


def _envoyer_si_acceptee(demande: Demande) -> None:
    from ..tasks import envoyer_document_demande

    if demande.statut == StatutDemande.ACCEPTEE:
        envoyer_document_demande.delay(demande_id=demande.pk)


TYPES = [
    TypeDemande(
        code=DUPLICATA,
        libelle="Duplicata de facture",
        appliquer=_appliquer_duplicata,
        apres_traitement=_envoyer_si_acceptee,
    ),
    TypeDemande(
        code=RECU,
        libelle="Reçu de règlement",
        appliquer=_appliquer_recu,
        apres_traitement=_envoyer_si_acceptee,
    ),
]
