"""Les pages « Historique » du parent : liste des demandes, détail, suppression."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from portail.noyau.famille import famille_courante
from portail.noyau.pages import page_famille
from portail.noyau.registre import types_demande

from .forms import FiltreHistoriqueForm
from .selectors import (
    compteurs_accueil,
    demande_de_famille,
    demandes_par_jour,
    historique_de_famille,
    reponses_recentes,
)
from .services import demande_annuler


def bloc_accueil(request: HttpRequest, famille: Any) -> dict:
    """Le bloc de la page d'accueil : les demandes en attente et les dernières réponses."""
    return {
        "en_attente": compteurs_accueil(request, famille)[1],
        "reponses": reponses_recentes(famille),
    }


@page_famille()
def historique(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    filtre = FiltreHistoriqueForm(
        request.GET if {"type", "rubrique", "statut"} & set(request.GET) else None
    )
    choix = filtre.cleaned_data if filtre.is_valid() else {}
    type_choisi = choix.get("type", "")
    rubrique, statut = choix.get("rubrique", ""), choix.get("statut", "")
    page = historique_de_famille(
        famille,
        type=type_choisi,
        rubrique=rubrique,
        statut=statut,
        numero=request.GET.get("page"),
    )
    return render(
        request,
        "demandes/historique.html",
        {
            "filtre": filtre,
            "type_choisi": type_choisi,
            "rubrique": rubrique,
            "statut": statut,
            "parametres": urlencode(
                {
                    k: v
                    for k, v in (("type", type_choisi), ("rubrique", rubrique), ("statut", statut))
                    if v
                }
            ),
            "page": page,
            "jours": demandes_par_jour(page.object_list),
        },
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_de_famille(request, pk)
    definition = types_demande().get(demande.type)
    return render(
        request,
        "demandes/detail.html",
        {
            "demande": demande,
            "lignes": list(demande.lignes.all()),
            "ligne_par_ligne": bool(definition and definition.ligne_par_ligne),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    demande = demande_de_famille(request, pk)
    if not demande.en_attente:
        messages.error(
            request, "Cette demande a déjà été traitée : elle ne peut plus être supprimée."
        )
        return redirect("demandes:historique")
    if request.method == "POST":
        try:
            demande_annuler(demande=demande, famille=famille_courante(request))
        except ValidationError:
            messages.error(
                request, "Cette demande a déjà été traitée : elle ne peut plus être supprimée."
            )
        else:
            messages.success(request, f"Votre demande « {demande.resume} » a été supprimée.")
        return redirect("demandes:historique")
    return render(request, "demandes/supprimer.html", {"demande": demande})
