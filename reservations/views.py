"""Pages « Réservations » des parents : enfants et périodes, grille des jours, récapitulatif,
impression."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from familles.models import Enfant
from portail.noyau.famille import famille_courante
from portail.noyau.interrupteurs import fonctionnalite_requise
from portail.noyau.pages import page_famille
from portail.noyau.pdf import rendre_pdf, reponse_pdf

from .forms import GrilleForm
from .models import Periode, Validation
from .selectors import (
    Grille,
    accueil_reservations,
    enfants_pour_la_grille,
    grille_periode,
    periode_pour_famille,
)
from .services import lignes_recap, reservation_demander, reservation_verifier

# L'interrupteur des réservations en ligne et du planning (déclaré dans apps.py).
RESERVATIONS = "reservations_actives"


def _entier(valeur: str | None) -> int:
    try:
        return int(valeur or "")
    except ValueError as exc:
        raise Http404 from exc


def _periode_et_enfants(request: HttpRequest, famille: Any) -> tuple[Periode, list[Enfant]]:
    """La période demandée (visible aujourd'hui) et les enfants choisis, tous de la famille
    (404 sinon) ; sans choix, les enfants inscrits à l'activité."""
    periode = periode_pour_famille(_entier(request.GET.get("periode")), timezone.localdate())
    if periode is None:
        raise Http404
    ids = {_entier(v) for v in request.GET.getlist("enfant")}
    return periode, enfants_pour_la_grille(famille=famille, periode=periode, ids=ids)


def _url_grille(periode: Periode, enfants: list[Enfant]) -> str:
    parametres = [("periode", periode.pk), *(("enfant", e.pk) for e in enfants)]
    return f"{reverse('reservations:reserver')}?{urlencode(parametres)}"


@page_famille()
@fonctionnalite_requise(RESERVATIONS)
def index(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    enfants, activites = accueil_reservations(famille, timezone.localdate())
    return render(
        request,
        "reservations/reservation_index.html",
        {"enfants": enfants, "activites": activites},
    )


def _cocher(grille: Grille, coches: set[str]) -> None:
    """Remet dans la grille les choix du parent (après une erreur ou une semaine-type)."""
    for case_a_cocher in grille.cases_a_cocher():
        if case_a_cocher.modifiable:
            case_a_cocher.cochee = case_a_cocher.cle in coches


@login_required
@fonctionnalite_requise(RESERVATIONS)
def reserver(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    periode, enfants = _periode_et_enfants(request, famille)
    maintenant = timezone.now()
    grille = grille_periode(
        periode=periode, enfants=enfants, maintenant=maintenant, foyer_id=famille.pk
    )
    url_grille = _url_grille(periode, enfants)
    form = GrilleForm(request.POST or None, grille=grille)
    if request.method == "POST":
        _cocher(grille, set(request.POST.getlist("c")))
        if form.is_valid():
            action = form.cleaned_data["action"]
            if action == "semaine_type":
                semaine = set(form.cleaned_data["st"])
                for case_a_cocher in grille.cases_a_cocher():
                    if case_a_cocher.modifiable:
                        case_a_cocher.cochee = (
                            f"{case_a_cocher.jour.weekday()}-{case_a_cocher.unite.pk}" in semaine
                        )
                messages.info(
                    request,
                    "La semaine-type est appliquée à la période (jours modifiables "
                    "seulement). Vérifiez puis cliquez sur « Envoyer la demande ».",
                )
            else:
                ajouts, suppressions = form.changements()
                try:
                    if action == "envoyer":
                        ctx = reservation_verifier(
                            famille=famille,
                            periode=periode,
                            ajouts=ajouts,
                            suppressions=suppressions,
                            maintenant=maintenant,
                        )
                        recap = lignes_recap(ctx, ajouts, suppressions)
                        return render(
                            request,
                            "reservations/reservation_recap.html",
                            {
                                "periode": periode,
                                "form": form,
                                "url_grille": url_grille,
                                "recap": [(e, recap[e.pk]) for e in enfants if e.pk in recap],
                                "coches": form.cleaned_data["c"],
                                "affichees": form.cleaned_data["affiche"],
                            },
                        )
                    demandes = reservation_demander(
                        famille=famille,
                        periode=periode,
                        ajouts=ajouts,
                        suppressions=suppressions,
                        commentaire=form.cleaned_data["commentaire"],
                        auteur=request.user,
                        maintenant=maintenant,
                    )
                except ValidationError as erreur:
                    form.add_error(None, erreur)
                else:
                    if periode.activite.validation == Validation.AUTOMATIQUE:
                        for demande in demandes:
                            messages.success(request, f"{demande.resume} : {demande.reponse}")
                    else:
                        messages.success(
                            request,
                            "Votre demande de réservations est envoyée. Elle est soumise à la "
                            "validation de la mairie : suivez-la dans l'historique des demandes.",
                        )
                    return redirect(url_grille)
    return render(
        request,
        "reservations/reservation_grille.html",
        {
            "grille": grille,
            "form": form,
            "url_grille": url_grille,
            "enfants": enfants,
            "semaine_cochee": set(request.POST.getlist("st")),
        },
    )


@login_required
@fonctionnalite_requise(RESERVATIONS)
def imprimer(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    periode, enfants = _periode_et_enfants(request, famille)
    grille = grille_periode(
        periode=periode, enfants=enfants, maintenant=timezone.now(), foyer_id=famille.pk
    )
    contenu = rendre_pdf(
        "reservations/pdf/reservation_periode.html",
        {"grille": grille, "famille": famille, "imprime_le": timezone.localtime()},
    )
    return reponse_pdf(contenu, f"reservations-{periode.date_debut:%Y-%m}.pdf")
