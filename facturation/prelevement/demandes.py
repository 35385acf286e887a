"""La demande d'arrêt du prélèvement automatique (un type de Demande)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from demandes.models import Demande
from demandes.selectors import demandes_en_attente
from demandes.services import Ligne, demande_creer
from familles.models import Famille

from .models import STATUTS_MANDAT_OUVERTS, Mandat
from .services import mandat_clore

ARRET = "prelevement_arret"


def _mandats_ouverts(famille_id: int):
    return Mandat.objects.filter(famille_id=famille_id, statut__in=STATUTS_MANDAT_OUVERTS)


def arret_en_attente(famille: Famille) -> bool:
    return demandes_en_attente(famille, types=[ARRET]).exists()


@transaction.atomic
def prelevement_demander_arret(*, famille: Famille, auteur: Any = None) -> Demande:
    famille = Famille.objects.select_for_update().get(pk=famille.pk)
    mandats = list(_mandats_ouverts(famille.pk).select_related("regie"))
    if not mandats:
        raise ValidationError("Vous n'avez pas de mandat de prélèvement en cours.")
    if arret_en_attente(famille):
        raise ValidationError("Une demande d'arrêt du prélèvement est déjà en attente.")
    return demande_creer(
        famille=famille,
        type=ARRET,
        resume="Arrêt du prélèvement automatique",
        lignes=[
            Ligne(libelle=f"Arrêter le prélèvement ({m.regie.nom}, mandat {m.rum})")
            for m in mandats
        ],
        auteur=auteur,
    )


def arret_appliquer(*, demande: Demande, lignes: list) -> str:
    agent = demande.traite_par
    mandats = list(_mandats_ouverts(demande.famille_id))
    famille = Famille.objects.select_for_update().get(pk=demande.famille_id)
    if famille.prelevement:
        # Le dossier dit aussi « pas de prélèvement » (sinon une prochaine demande le rouvrirait).
        famille.prelevement = False
        famille._history_user = agent  # type: ignore[attr-defined]
        famille._change_reason = f"Demande n° {demande.pk} : arrêt du prélèvement"  # type: ignore[attr-defined]
        famille.save(update_fields=["prelevement"])
    for mandat in mandats:
        mandat_clore(mandat=mandat, motif="Arrêt demandé par la famille.", agent=agent)
    if not mandats:
        return "Aucun mandat en cours : le prélèvement était déjà arrêté."
    return (
        "Le prélèvement automatique est arrêté : vos prochaines factures sont à régler "
        "par un autre moyen."
    )
