"""Pages « Réservations » des parents : enfants et périodes, grille des jours, récapitulatif,
impression."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from familles.models import Enfant, Famille
from portail.noyau import registre
from portail.noyau.famille import famille_courante
from portail.noyau.fichiers import reponse_fichier
from portail.noyau.interrupteurs import fonctionnalite_requise
from portail.noyau.pages import page_famille
from portail.noyau.pdf import rendre_pdf, reponse_pdf

from .forms import GrilleForm
from .models import Periode, ReglementInterieur, Validation
from .regles import Choix
from .selectors import (
    Grille,
    accueil_reservations,
    enfants_pour_la_grille,
    grille_periode,
    periode_pour_famille,
)
from .services import (
    attente_quitter,
    reglement_a_accepter,
    reglement_accepter,
    reservation_demander,
    reservation_verifier,
)

# L'interrupteur des réservations en ligne et du planning (déclaré dans branchement.py).
RESERVATIONS = "reservations_actives"


def _entier(valeur: str | None) -> int:
    try:
        return int(valeur or "")
    except ValueError as exc:
        raise Http404 from exc


def _periode_et_enfants(request: HttpRequest, famille: Famille) -> tuple[Periode, list[Enfant]]:
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


def _demande_du_planning(request: HttpRequest, grille: Grille) -> QueryDict | None:
    """Le jour et l'unité choisis sur le planning (``?jour=2026-11-27&unite=3``) : les mêmes
    données qu'un envoi de la grille où seule cette case serait ajoutée (les réservations
    prises restent cochées, aucune n'est affichée à décocher). Le service vérifie ensuite
    délai, places et inscription comme pour tout envoi."""
    if request.method != "GET" or "jour" not in request.GET or len(grille.enfants) != 1:
        return None
    try:
        jour = date.fromisoformat(request.GET["jour"])
    except ValueError as exc:
        raise Http404 from exc
    cle = Choix(grille.enfants[0].enfant.pk, _entier(request.GET.get("unite")), jour).cle
    donnees = QueryDict(mutable=True)
    donnees.setlist("c", [c.cle for c in grille.cases_a_cocher() if c.active] + [cle])
    donnees.setlist("affiche", [cle])
    donnees["action"] = "envoyer"
    return donnees


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
    donnees = request.POST or _demande_du_planning(request, grille)
    form = GrilleForm(donnees, grille=grille)
    if donnees is not None:
        _cocher(grille, set(donnees.getlist("c")))
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
                attentes = form.attentes()
                try:
                    if action == "envoyer":
                        recap = reservation_verifier(
                            famille=famille,
                            periode=periode,
                            ajouts=ajouts,
                            suppressions=suppressions,
                            attentes=attentes,
                            maintenant=maintenant,
                        )
                        return render(
                            request,
                            "reservations/reservation_recap.html",
                            {
                                "periode": periode,
                                "form": form,
                                "url_grille": url_grille,
                                "recap": [(e, recap[e.pk]) for e in enfants if e.pk in recap],
                                "coches": form.cleaned_data["c"],
                                "attentes": form.cleaned_data["a"],
                                "affichees": form.cleaned_data["affiche"],
                            },
                        )
                    demandes = reservation_demander(
                        famille=famille,
                        periode=periode,
                        ajouts=ajouts,
                        suppressions=suppressions,
                        attentes=attentes,
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
    attentes_cochees = set(request.POST.getlist("a"))
    for case_a_cocher in grille.cases_a_cocher():
        case_a_cocher.attente_cochee = case_a_cocher.cle in attentes_cochees
    return render(
        request,
        "reservations/reservation_grille.html",
        {
            "grille": grille,
            "form": form,
            "url_grille": url_grille,
            "enfants": enfants,
            "semaine_cochee": set(request.POST.getlist("st")),
            "reglement": reglement_a_accepter(famille=famille, periode=periode),
            "suspensions": [
                m
                for regle in registre.regles_reservation()
                if (m := regle(famille=famille, maintenant=maintenant))
            ],
        },
    )


def _retour(request: HttpRequest) -> str:
    suite = request.POST.get("suite", "")
    if suite and url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suite
    return reverse("reservations:index")


@login_required
@fonctionnalite_requise(RESERVATIONS)
@require_POST
def attente_quitter_vue(request: HttpRequest, reservation_id: int) -> HttpResponse:
    """« Quitter la liste d'attente » (404 pour la réservation d'une autre famille)."""
    reservation = attente_quitter(famille=famille_courante(request), reservation_id=reservation_id)
    messages.success(
        request,
        f"{reservation.enfant.prenom} a quitté la liste d'attente du "
        f"{reservation.date:%d/%m/%Y} ({reservation.unite.nom}).",
    )
    return redirect(_retour(request))


@login_required
@fonctionnalite_requise(RESERVATIONS)
@require_POST
def reglement_accepter_vue(request: HttpRequest, reglement_id: int) -> HttpResponse:
    famille = famille_courante(request)
    reglement = get_object_or_404(ReglementInterieur, pk=reglement_id)
    utilisateur = request.user
    adulte = utilisateur.get_full_name() or str(utilisateur)  # type: ignore[union-attr]
    try:
        reglement_accepter(
            famille=famille,
            reglement=reglement,
            compte=utilisateur,
            adulte=adulte,
            accepte=request.POST.get("accepte") == "oui",
        )
    except ValidationError as erreur:
        messages.error(request, " ".join(erreur.messages))
        return redirect(_retour(request))
    messages.success(
        request,
        f"Vous avez accepté le règlement intérieur {reglement.annee_scolaire} "
        f"(version {reglement.version}).",
    )
    return redirect(_retour(request))


@login_required
@fonctionnalite_requise(RESERVATIONS)
def reglement_document(request: HttpRequest, reglement_id: int) -> HttpResponseBase:
    """Le PDF du règlement intérieur, pour les familles connectées (fichier privé)."""
    famille_courante(request)
    reglement = get_object_or_404(ReglementInterieur, pk=reglement_id)
    return reponse_fichier(reglement.fichier, f"reglement-interieur-{reglement.annee_scolaire}.pdf")


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
