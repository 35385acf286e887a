"""Pages du parent : ses mandats de prélèvement (PDF, signature en ligne, arrêt)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from portail.noyau.famille import famille_courante, get_for_famille
from portail.noyau.interrupteurs import fonctionnalite_requise
from portail.noyau.pages import page_famille
from portail.noyau.pdf import reponse_pdf

from ..pdf import pdf_mandat
from .demandes import arret_en_attente, prelevement_demander_arret
from .models import STATUTS_MANDAT_OUVERTS, Mandat, StatutMandat
from .selectors import mandats_famille
from .services import mandat_signer_en_ligne

FACTURES = "factures_actives"


@page_famille()
@fonctionnalite_requise(FACTURES)
def prelevement(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    mandats = list(mandats_famille(famille))
    return render(
        request,
        "facturation/prelevement.html",
        {
            "famille": famille,
            "mandats": mandats,
            "ouverts": [m for m in mandats if m.statut in STATUTS_MANDAT_OUVERTS],
            "arret_en_attente": arret_en_attente(famille),
            "statuts": StatutMandat,
        },
    )


@page_famille()
@fonctionnalite_requise(FACTURES)
def mandat_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    mandat = get_for_famille(request, Mandat, pk=pk)
    return reponse_pdf(pdf_mandat(mandat), f"mandat-sepa-{mandat.rum}.pdf")


@page_famille()
@fonctionnalite_requise(FACTURES)
@require_POST
def mandat_signer(request: HttpRequest, pk: int) -> HttpResponse:
    famille = famille_courante(request)
    mandat = get_for_famille(request, Mandat, pk=pk)
    try:
        mandat_signer_en_ligne(
            mandat=mandat,
            famille=famille,
            utilisateur=request.user,
            consentement=request.POST.get("consentement") == "oui",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Le mandat {mandat.rum} est signé : merci.")
    return redirect("facturation:prelevement")


@page_famille()
@fonctionnalite_requise(FACTURES)
def arret_demander(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)  # 404 d'abord pour un compte sans famille
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        prelevement_demander_arret(famille=famille, auteur=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Votre demande d'arrêt du prélèvement est envoyée à la mairie. "
            "Les factures déjà annoncées peuvent encore être prélevées.",
        )
    return redirect("facturation:prelevement")
