"""Pages de la boîte de réception d'une famille."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portail.noyau.famille import famille_courante, get_for_famille
from portail.noyau.fichiers import fichiers_trop_gros, limiter_taille_des_fichiers, reponse_fichier
from portail.noyau.interrupteurs import fonctionnalite_requise
from portail.noyau.pages import page_famille

from .forms_messages import MessageForm, envoyer_le_message
from .models import Direction, Message, Rubrique
from .selectors import boite_de_famille, compteurs_accueil
from .services import message_marquer_lu, message_restaurer, message_supprimer

MESSAGES = "messages_actifs"


def _message(request: HttpRequest, pk: int) -> Message:
    return get_for_famille(
        request, Message.objects.select_related("parent", "auteur__responsable"), pk=pk
    )


@page_famille()
@fonctionnalite_requise(MESSAGES)
def boite(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    rubrique = request.GET.get("rubrique", Rubrique.RECUS)
    if rubrique not in Rubrique.values:
        rubrique = Rubrique.RECUS
    page, non_lus = boite_de_famille(famille, rubrique, request.GET.get("page"))
    return render(
        request,
        "demandes/messages/boite.html",
        {
            "rubrique": rubrique,
            "rubriques": Rubrique.choices,
            "page": page,
            "non_lus": non_lus,
        },
    )


@login_required
@fonctionnalite_requise(MESSAGES)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    if message.direction == Direction.MAIRIE_VERS_FAMILLE:
        message_marquer_lu(message=message)
    reponses = list(
        message.reponses.select_related("auteur__responsable").order_by("cree_le", "id")
    )
    return render(
        request, "demandes/messages/detail.html", {"message": message, "reponses": reponses}
    )


@login_required
@fonctionnalite_requise(MESSAGES)
@limiter_taille_des_fichiers
def ecrire(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    parent = None
    if request.GET.get("reponse", "").isdigit():
        parent = _message(request, int(request.GET["reponse"]))
    initial = {}
    if parent is not None:
        initial["sujet"] = (
            parent.sujet if parent.sujet.startswith("Re :") else f"Re : {parent.sujet}"
        )
    form = MessageForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        trop_gros=fichiers_trop_gros(request),
    )
    if request.method == "POST" and form.is_valid():
        direction = Direction.FAMILLE_VERS_MAIRIE
        if envoyer_le_message(request, form, famille=famille, direction=direction, parent=parent):
            messages.success(request, "Votre message a été envoyé à la mairie.")
            return redirect(f"{_url_boite()}?rubrique={Rubrique.ENVOYES}")
    return render(request, "demandes/messages/ecrire.html", {"form": form, "parent": parent})


def _url_boite() -> str:
    return reverse("demandes:messages")


@login_required
@fonctionnalite_requise(MESSAGES)
@require_POST
def supprimer(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    try:
        message_supprimer(message=message, famille=famille_courante(request))
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Le message a été placé dans « Supprimés ».")
    return redirect(_url_boite())


@login_required
@fonctionnalite_requise(MESSAGES)
@require_POST
def restaurer(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    try:
        message_restaurer(message=message, famille=famille_courante(request))
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
    else:
        messages.success(request, "Le message a été restauré.")
    return redirect(f"{_url_boite()}?rubrique={Rubrique.SUPPRIMES}")


# Pas de login_required : un visiteur anonyme reçoit 404 (get_for_famille), comme un étranger.
@fonctionnalite_requise(MESSAGES)
def piece_jointe(request: HttpRequest, pk: int) -> HttpResponseBase:
    message = _message(request, pk)
    if not message.piece_jointe:
        raise Http404
    return reponse_fichier(message.piece_jointe, message.nom_piece_jointe or "piece-jointe")


def bloc_accueil(request: HttpRequest, famille) -> dict | None:
    return {"non_lus": compteurs_accueil(request, famille)[0]}
