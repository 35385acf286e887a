"""Pages du dossier famille : Renseignements, Mon compte, Mes enfants et les formulaires.

Toute fiche est atteinte par la famille connectée (portail.noyau.famille) : l'identifiant d'une
autre famille donne 404. Un formulaire envoyé crée une demande ; le dossier ne change qu'à
son acceptation par un agent.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from demandes.models import Demande
from portail.noyau.famille import famille_courante, get_for_famille
from portail.noyau.pages import page_famille

from .forms import PersonnesFormSet, RenseignementsForm
from .models import Enfant, Famille, Responsable, Role
from .selectors import dossier_famille, en_attente, enfant_du_foyer, personnes_autorisees_du_foyer
from .services import (
    CHAMPS_ADRESSE,
    CHAMPS_BANCAIRES,
    CHAMPS_CAF,
    CHAMPS_CONTACT,
    CHAMPS_ENFANT,
    CHAMPS_FISCALES,
    CHAMPS_IDENTITE,
    CHAMPS_SANITAIRES,
    CHAMPS_SITUATION,
    TypeRenseignement,
    ajout_demander,
    renseignements_demander,
)
from .validators import masquer_bic, masquer_iban

MESSAGE_ENVOYEE = (
    "Votre demande a été transmise à la mairie. La modification sera appliquée après "
    "validation par l'administrateur."
)
MESSAGE_AUCUNE = "Aucune modification n'a été saisie : aucune demande n'a été envoyée."

# Les blocs de la famille (Mon compte) : titre et champs.
BLOCS_FAMILLE = {
    "fiscales": ("Informations fiscales", TypeRenseignement.FISCALES, CHAMPS_FISCALES),
    "caf": ("Informations CAF", TypeRenseignement.CAF, CHAMPS_CAF),
    "bancaires": ("Coordonnées bancaires", TypeRenseignement.BANCAIRES, CHAMPS_BANCAIRES),
}


def _suite(request: HttpRequest, defaut: str) -> str:
    """La page d'où vient le parent (Renseignements, Mon compte ou Mes enfants)."""
    suite = request.POST.get("suite") or request.GET.get("suite")
    return suite if suite in {"renseignements", "mon_compte", "mes_enfants"} else defaut


def _sources_adulte(famille: Famille, adulte: Responsable) -> list[tuple[models.Model, list[str]]]:
    if adulte.role == Role.RESPONSABLE:
        # L'adresse du responsable est celle du foyer ; ses accords e-mail/SMS sont les siens.
        return [
            (adulte, [*CHAMPS_IDENTITE, *CHAMPS_SITUATION]),
            (famille, CHAMPS_ADRESSE),
            (adulte, CHAMPS_CONTACT),
        ]
    return [
        (adulte, [*CHAMPS_IDENTITE, *CHAMPS_SITUATION, "adresse_propre", *CHAMPS_ADRESSE]),
        (adulte, CHAMPS_CONTACT),
    ]


def _formulaire(
    request: HttpRequest,
    *,
    titre: str,
    form: Any,
    suite: str,
    en_attente: bool = False,
    template: str = "familles/formulaire.html",
    **contexte: Any,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "titre": titre,
            "form": form,
            "suite": suite,
            "annuler": reverse(f"familles:{suite}"),
            "en_attente": en_attente,
            **contexte,
        },
    )


def _envoyer(request: HttpRequest, demande: Demande | None, suite: str) -> HttpResponse | None:
    if demande is None:
        messages.warning(request, MESSAGE_AUCUNE)
        return None
    messages.success(request, MESSAGE_ENVOYEE)
    return redirect(f"familles:{suite}")


def _demander(
    request: HttpRequest, form: Any, *, suite: str, **demande: Any
) -> HttpResponse | None:
    """Crée la demande d'un formulaire valide ; la redirection à suivre, ou None si la page
    est à réafficher (erreur, ou aucune modification)."""
    try:
        envoyee = renseignements_demander(
            commentaire=form.cleaned_data["commentaire"], auteur=request.user, **demande
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return _envoyer(request, envoyee, suite)


@page_famille()
def renseignements(request: HttpRequest) -> HttpResponse:
    dossier = dossier_famille(famille_courante(request))
    return render(request, "familles/renseignements.html", {"dossier": dossier})


@page_famille()
def mon_compte(request: HttpRequest) -> HttpResponse:
    dossier = dossier_famille(famille_courante(request), avec_enfants=False)
    return render(request, "familles/mon_compte.html", {"dossier": dossier})


@page_famille()
def mes_enfants(request: HttpRequest) -> HttpResponse:
    dossier = dossier_famille(famille_courante(request))
    return render(request, "familles/mes_enfants.html", {"dossier": dossier})


def _page_modification(
    request: HttpRequest,
    *,
    famille: Famille,
    cible: models.Model,
    type_demande: str,
    sources: list[tuple[models.Model, list[str]]],
    personne: str,
    titre: str,
    suite: str,
    **contexte: Any,
) -> HttpResponse:
    """Le formulaire pré-rempli d'une fiche ; envoyé, il devient une demande sur ``cible``."""
    form = RenseignementsForm(request.POST or None, famille=famille, sources=sources)
    if request.method == "POST" and form.is_valid():
        reponse = _demander(
            request,
            form,
            suite=suite,
            famille=famille,
            type=type_demande,
            cible=cible,
            personne=personne,
            changements=form.changements(),
        )
        if reponse is not None:
            return reponse
    return _formulaire(
        request,
        titre=titre,
        form=form,
        suite=suite,
        en_attente=en_attente(famille).contient(type_demande, cible.pk),
        **contexte,
    )


@login_required
def modifier_adulte(request: HttpRequest, pk: int) -> HttpResponse:
    famille = famille_courante(request)
    adulte = get_for_famille(request, Responsable, pk=pk)
    type_demande = TypeRenseignement.CONJOINT
    if adulte.role == Role.RESPONSABLE:
        type_demande = TypeRenseignement.RESPONSABLE
    return _page_modification(
        request,
        famille=famille,
        cible=adulte,
        type_demande=type_demande,
        sources=_sources_adulte(famille, adulte),
        personne=adulte.prenom,
        titre=f"Demander une modification des renseignements de {adulte.prenom}",
        suite=_suite(request, "renseignements"),
    )


def _page_ajout(
    request: HttpRequest,
    *,
    famille: Famille,
    type_demande: str,
    sources: list[tuple[models.Model, list[str]]],
    titre: str,
    suite: str,
) -> HttpResponse:
    """Le formulaire vide d'un ajout (conjoint, enfant) ; envoyé, il devient une demande."""
    form = RenseignementsForm(request.POST or None, famille=famille, sources=sources)
    if request.method == "POST" and form.is_valid():
        try:
            ajout_demander(
                famille=famille,
                type=type_demande,
                valeurs=form.valeurs(),
                commentaire=form.cleaned_data["commentaire"],
                auteur=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, MESSAGE_ENVOYEE)
            return redirect(f"familles:{suite}")
    return _formulaire(request, titre=titre, form=form, suite=suite)


@login_required
def ajouter_conjoint(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    if famille.responsables.filter(role=Role.CONJOINT).exists():
        raise Http404
    return _page_ajout(
        request,
        famille=famille,
        type_demande=TypeRenseignement.CONJOINT,
        sources=_sources_adulte(famille, Responsable(famille=famille, role=Role.CONJOINT)),
        titre="Ajouter un conjoint",
        suite="mon_compte",
    )


@login_required
def modifier_famille(request: HttpRequest, bloc: str) -> HttpResponse:
    if bloc not in BLOCS_FAMILLE:
        raise Http404
    famille = famille_courante(request)
    titre, type_demande, champs = BLOCS_FAMILLE[bloc]
    contexte: dict[str, Any] = {}
    if bloc == "bancaires" and famille.iban:
        contexte["iban_actuel"] = masquer_iban(famille.iban)
        contexte["bic_actuel"] = masquer_bic(famille.bic)
    return _page_modification(
        request,
        famille=famille,
        cible=famille,
        type_demande=type_demande,
        sources=[(famille, champs)],
        personne=f"la famille {famille.nom}",
        titre=f"{titre} : demander une modification",
        suite=_suite(request, "mon_compte"),
        **contexte,
    )


def _enfant(request: HttpRequest, pk: int) -> Enfant:
    return enfant_du_foyer(famille_courante(request), pk)


def _modifier_enfant(
    request: HttpRequest, pk: int, type_demande: str, champs: list[str], titre: str
) -> HttpResponse:
    famille = famille_courante(request)
    enfant = _enfant(request, pk)
    if enfant.famille_id != famille.pk:
        # Garde alternée : chez ce foyer, l'enfant a l'adresse du foyer (voir adresse_chez).
        champs = [c for c in champs if c != "adresse_de"]
    return _page_modification(
        request,
        famille=famille,
        cible=enfant,
        type_demande=type_demande,
        sources=[(enfant, champs)],
        personne=enfant.prenom,
        titre=f"{titre} de {enfant.prenom}",
        suite=_suite(request, "mes_enfants"),
    )


@login_required
def modifier_enfant(request: HttpRequest, pk: int) -> HttpResponse:
    return _modifier_enfant(request, pk, TypeRenseignement.ENFANTS, CHAMPS_ENFANT, "Renseignements")


@login_required
def modifier_sanitaire(request: HttpRequest, pk: int) -> HttpResponse:
    return _modifier_enfant(
        request, pk, TypeRenseignement.SANITAIRE, CHAMPS_SANITAIRES, "Données sanitaires"
    )


@login_required
def modifier_autorisations(request: HttpRequest, pk: int) -> HttpResponse:
    famille = famille_courante(request)
    enfant = _enfant(request, pk)
    personnes = list(personnes_autorisees_du_foyer(famille).filter(enfant=enfant))
    formset = PersonnesFormSet(request.POST or None, personnes=personnes, prefix="personnes")
    form = RenseignementsForm(request.POST or None, famille=famille, sources=[])
    if request.method == "POST" and formset.is_valid() and form.is_valid():
        changements, ajouts, suppressions = formset.changements()
        reponse = _demander(
            request,
            form,
            suite="mes_enfants",
            famille=famille,
            type=TypeRenseignement.AUTORISATIONS,
            cible=enfant,
            personne=enfant.prenom,
            changements=changements,
            ajouts_personnes=ajouts,
            suppressions_personnes=suppressions,
        )
        if reponse is not None:
            return reponse
    return _formulaire(
        request,
        titre=f"Personnes autorisées à venir chercher {enfant.prenom}",
        form=form,
        formset=formset,
        suite="mes_enfants",
        template="familles/autorisations.html",
        en_attente=en_attente(famille).contient(TypeRenseignement.AUTORISATIONS, enfant.pk),
    )


@login_required
def ajouter_enfant(request: HttpRequest) -> HttpResponse:
    famille = famille_courante(request)
    return _page_ajout(
        request,
        famille=famille,
        type_demande=TypeRenseignement.ENFANTS,
        sources=[(Enfant(famille=famille, nom=famille.nom), CHAMPS_ENFANT)],
        titre="Ajouter un enfant",
        suite="mes_enfants",
    )
