"""La frontière de la famille : tout accès d'un parent à une ligne passe par ici.

Ce module n'importe aucune application métier : la famille du compte est atteinte par la
propriété ``user.famille`` (le foyer de l'adulte : ``Responsable.compte``). Un compte
désactivé (``is_active`` faux) n'est plus chargé par le backend : il n'atteint rien.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

M = TypeVar("M", bound=Model)


def famille_courante(request: HttpRequest) -> Any:
    """La famille du parent connecté, ou 404 (agent sans famille, anonyme)."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    famille = getattr(user, "famille", None)
    if famille is None:
        raise Http404
    return famille


def get_for_famille(
    request: HttpRequest,
    modele: type[M] | QuerySet[M],
    champ_famille: str = "famille",
    **lookup: Any,
) -> M:
    """Une ligne de la famille connectée, ou 404 pour toute autre famille."""
    famille = famille_courante(request)
    return get_object_or_404(modele, **{champ_famille: famille}, **lookup)
