"""Pages « Pièces » d'une famille, fichiers privés et fiche d'inscription."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from familles.selectors import enfants_actifs
from portail.noyau.annee_scolaire import annee_preparee
from portail.noyau.famille import famille_courante
from portail.noyau.fichiers import fichiers_trop_gros, limiter_taille_des_fichiers, reponse_fichier
from portail.noyau.formulaires import appeler_service
from portail.noyau.interrupteurs import fonctionnalite_requise
from portail.noyau.pages import page_famille
from portail.noyau.pdf import rendre_pdf, reponse_pdf

from .forms import TransmettrePieceForm
from .models import DocumentTelechargeable, Piece
from .selectors import (
    documents_proposes,
    fiche_pour_le_foyer,
    nombre_pieces_manquantes,
    piece_du_foyer,
    pieces_a_fournir,
    pieces_de_la_famille,
)
from .services import piece_transmettre

PIECES = "pieces_actives"


@page_famille()
@fonctionnalite_requise(PIECES)
def liste(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    a_fournir = pieces_a_fournir(famille)
    manquantes = [p for p in a_fournir if not p.en_attente]
    return render(
        request,
        "pieces/liste.html",
        {
            "manquantes": manquantes,
            "en_attente": [p for p in a_fournir if p.en_attente],
            "pieces": pieces_de_la_famille(famille),
            "documents": documents_proposes(),
            "enfants": enfants_actifs(famille),
            "famille": famille,
            "aujourdhui": timezone.localdate(),
        },
    )


@login_required
@fonctionnalite_requise(PIECES)
@limiter_taille_des_fichiers
def transmettre(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    initial = {}
    if request.GET.get("type", "").isdigit():
        initial["type"] = int(request.GET["type"])
    if request.GET.get("enfant", "").isdigit():
        initial["enfant"] = int(request.GET["enfant"])
    form = TransmettrePieceForm(
        request.POST or None,
        request.FILES or None,
        famille=famille,
        initial=initial,
        trop_gros=fichiers_trop_gros(request),
    )
    if request.method == "POST" and form.is_valid():
        donnees = form.cleaned_data
        piece = appeler_service(
            form,
            piece_transmettre,
            famille=famille,
            type_piece=donnees["type"],
            enfant=donnees["enfant"],
            fichier=donnees["fichier"],
            commentaire=donnees["commentaire"],
            auteur=request.user,
        )
        if piece is not None:
            messages.success(
                request,
                "Votre pièce a été transmise. Elle sera vérifiée par la mairie : "
                "suivez son traitement ici ou dans l'historique de vos demandes.",
            )
            return redirect("pieces:liste")
    return render(request, "pieces/transmettre.html", {"form": form})


# Pas de login_required sur les fichiers : un visiteur anonyme reçoit 404, comme un étranger.
@fonctionnalite_requise(PIECES)
def fichier(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Le fichier d'une pièce, servi à sa famille seulement."""
    piece = piece_du_foyer(famille_courante(request), pk)
    return reponse_fichier(piece.fichier, piece.nom_fichier)


def fichier_agent(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Le fichier d'une pièce, pour un agent qui a le droit de voir les pièces."""
    if not (request.user.is_active and request.user.is_staff) or not request.user.has_perm(
        "pieces.view_piece"
    ):
        raise Http404
    piece = get_object_or_404(Piece, pk=pk)
    return reponse_fichier(piece.fichier, piece.nom_fichier)


@fonctionnalite_requise(PIECES)
def document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Un formulaire proposé par la mairie : réservé aux comptes connectés (404 sinon)."""
    if not request.user.is_authenticated:
        raise Http404
    document = get_object_or_404(DocumentTelechargeable, pk=pk, actif=True)
    nom = document.fichier.name.rsplit("/", 1)[-1].split("_", 1)[-1]
    return reponse_fichier(document.fichier, nom)


def _annee_scolaire() -> str:
    """L'année de la fiche d'inscription : dès juillet, celle de la rentrée qui vient."""
    return annee_preparee(timezone.localdate()).libelle


@login_required
@fonctionnalite_requise(PIECES)
def fiche_inscription_vierge(request: HttpRequest) -> HttpResponse:
    famille_courante(request)
    contenu = rendre_pdf(
        "pieces/pdf/fiche_inscription.html", {"annee": _annee_scolaire(), "vierge": True}
    )
    return reponse_pdf(contenu, f"fiche-inscription-{_annee_scolaire()}.pdf")


@login_required
@fonctionnalite_requise(PIECES)
def fiche_inscription(request: HttpRequest, enfant_id: int) -> HttpResponse:
    fiche = fiche_pour_le_foyer(request, enfant_id)
    contenu = rendre_pdf(
        "pieces/pdf/fiche_inscription.html",
        {
            "annee": _annee_scolaire(),
            "vierge": False,
            "enfant": fiche.enfant,
            "famille": fiche.famille,
            "adresse": fiche.adresse,
            "responsables": fiche.responsables,
            "personnes_autorisees": fiche.personnes_autorisees,
        },
    )
    return reponse_pdf(contenu, f"fiche-inscription-{fiche.enfant.pk}-{_annee_scolaire()}.pdf")


# --- Accueil ---------------------------------------------------------------------------


def bloc_accueil(request: HttpRequest, famille) -> dict | None:
    return {"manquantes": nombre_pieces_manquantes(famille)}
