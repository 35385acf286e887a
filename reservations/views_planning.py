"""Pages du parent : le planning mensuel d'un enfant et la déclaration d'absence."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from familles.selectors import enfants_du_foyer, enfants_par_age
from portail.noyau.famille import famille_courante, get_for_famille
from portail.noyau.fichiers import fichiers_trop_gros, limiter_taille_des_fichiers, reponse_fichier
from portail.noyau.interrupteurs import fonctionnalite_requise
from portail.noyau.pages import page_famille

from .forms_absences import FormulaireAbsence
from .models import Absence, Reservation
from .planning import LEGENDE, planning_mois
from .services import absence_declarable, absence_declarer, libelle_jour
from .views import RESERVATIONS


@login_required
@fonctionnalite_requise(RESERVATIONS)
def planning(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    enfant = (
        enfants_du_foyer(famille).filter(actif=True).order_by("date_naissance", "prenom").first()
    )
    if enfant is None:
        return render(request, "reservations/planning_vide.html")
    aujourdhui = timezone.localdate()
    return redirect("reservations:planning_mois", enfant.pk, aujourdhui.year, aujourdhui.month)


@page_famille()
@fonctionnalite_requise(RESERVATIONS)
def planning_enfant(request: HttpRequest, enfant_id: int, annee: int, mois: int) -> HttpResponse:
    if not (1 <= mois <= 12 and 2000 <= annee <= 2100):
        raise Http404
    # L'enfant demandé et les onglets des enfants actifs en une requête, bornée à la famille.
    famille = famille_courante(request)
    de_la_famille = enfants_par_age(famille)
    enfant = next((e for e in de_la_famille if e.pk == enfant_id), None)
    if enfant is None:
        raise Http404
    enfants = [e for e in de_la_famille if e.actif]
    planning = planning_mois(enfant=enfant, annee=annee, mois=mois, foyer_id=famille.pk)
    # La grille par Jinja2 (le seul gabarit Jinja2 du portail, voir portail/settings.py), qui
    # a échappé chaque valeur : le gabarit de la page l'écrit telle quelle.
    grille = render_to_string(
        "reservations/planning_grille.jinja", {"planning": planning}, using="jinja2"
    )
    return render(
        request,
        "reservations/planning.html",
        {
            "planning": planning,
            "grille": mark_safe(grille),  # noqa: S308
            "enfants": enfants,
            "legende": LEGENDE,
        },
    )


@login_required
@fonctionnalite_requise(RESERVATIONS)
@limiter_taille_des_fichiers
def absence_declarer_vue(request: HttpRequest, reservation_id: int) -> HttpResponse:
    reservation = get_for_famille(
        request,
        Reservation.objects.select_related("enfant", "unite__activite"),
        champ_famille="famille",  # le foyer qui a réservé ce jour (garde alternée)
        pk=reservation_id,
    )
    jour = reservation.date
    retour = ("reservations:planning_mois", reservation.enfant_id, jour.year, jour.month)
    form = FormulaireAbsence(
        request.POST or None, request.FILES or None, trop_gros=fichiers_trop_gros(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            absence_declarer(
                reservation=reservation,
                motif=form.cleaned_data["motif"],
                commentaire=form.cleaned_data["commentaire"],
                certificat=form.cleaned_data["certificat"] or None,
                auteur=request.user,
            )
        except ValidationError as erreur:
            for message in erreur.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                f"Votre déclaration d'absence du {libelle_jour(reservation)} a été transmise "
                "à la mairie : elle est en cours de traitement.",
            )
            return redirect(*retour)
    return render(
        request,
        "reservations/absence_declarer.html",
        {
            "form": form,
            "reservation": reservation,
            "libelle": libelle_jour(reservation),
            "declarable": absence_declarable(reservation),
            "retour": retour,
        },
    )


@login_required
@fonctionnalite_requise(RESERVATIONS)
def absence_certificat(request: HttpRequest, absence_id: int) -> HttpResponseBase:
    absence = get_for_famille(request, Absence, champ_famille="reservation__famille", pk=absence_id)
    if not absence.certificat:
        raise Http404
    return reponse_fichier(absence.certificat, absence.certificat_nom or "certificat")
