"""Les informations de la mairie : sur l'accueil et sur la page « Infos »."""

from datetime import date

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pieces.selectors import documents_proposes

from .noyau.interrupteurs import fonctionnalite_active
from .noyau.memoire import en_memoire, suivre
from .noyau.models import Actualite
from .noyau.pages import page_famille

NOMBRE_ACCUEIL = 3
MODELES = suivre(Actualite)


def actualites_visibles(le: date | None = None) -> QuerySet[Actualite]:
    le = le or timezone.localdate()
    return Actualite.objects.filter(affichee_du__lte=le).filter(
        Q(affichee_au__isnull=True) | Q(affichee_au__gte=le)
    )


@page_famille()
def infos(request: HttpRequest) -> HttpResponse:
    le = timezone.localdate()
    actualites = en_memoire(
        ("actualites", le), lambda: list(actualites_visibles(le)), modeles=MODELES
    )
    # « Formulaires » (guide de Haisnes) : les documents que la mairie propose de télécharger.
    formulaires = documents_proposes() if fonctionnalite_active("pieces_actives") else []
    return render(
        request,
        "portail/infos.html",
        {"actualites": actualites, "formulaires": formulaires},
    )


def bloc_accueil(request: HttpRequest, famille) -> dict | None:
    le = timezone.localdate()
    actualites = en_memoire(
        ("actualites_accueil", le),
        lambda: list(actualites_visibles(le)[: NOMBRE_ACCUEIL + 1]),
        modeles=MODELES,
    )
    if not actualites:
        return None
    return {"actualites": actualites[:NOMBRE_ACCUEIL], "autres": len(actualites) > NOMBRE_ACCUEIL}
