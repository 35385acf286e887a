"""Déclaration d'accessibilité (RGAA 4.1) et plan du site : pages publiques du portail."""

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .noyau.configuration import configuration_courante
from .noyau.models import StatutAccessibilite

# Date de la déclaration quand la commune n'en a pas saisi : celle de cette version du portail.
DATE_DECLARATION = date(2026, 12, 1)

# Ce que les contrôles automatiques ne couvrent pas, connu du portail (à défaut d'audit).
CONTENUS_NON_ACCESSIBLES = [
    "Les documents PDF produits par le portail (factures, reçus, attestations, fiche "
    "d'inscription) ne sont pas balisés pour les lecteurs d'écran (critère 13.3) ; leur "
    "contenu se lit aussi sur les pages Factures, Règlements et Renseignements.",
    "Les formulaires à télécharger déposés par la mairie peuvent ne pas être accessibles "
    "(critère 13.3) ; demandez-les à la mairie sous une autre forme.",
    "Le paiement en ligne se fait sur PayFiP, le service de la Direction générale des "
    "Finances publiques : son accessibilité relève de sa propre déclaration.",
]

CONTROLES_AUTOMATIQUES = [
    "axe-core (règles WCAG 2.0, 2.1 et 2.2, niveaux A et AA) sur chaque page des parents, "
    "à chaque version du portail, sans aucune violation tolérée ;",
    "parcours au clavier seul : se connecter, ouvrir le menu, faire toute une réservation "
    "jusqu'à son envoi ;",
    "affichage à 375 pixels de large (téléphone) sans défilement horizontal, et à 1280 "
    "pixels (ordinateur) ;",
    "titres, étiquettes des champs, intitulés des liens et des boutons, contraste des "
    "couleurs et langue de la page, vérifiés par ces mêmes contrôles.",
]


def declaration(request: HttpRequest) -> HttpResponse:
    config = configuration_courante()
    contenus = [
        ligne.strip()
        for ligne in config.accessibilite_contenus_non_accessibles.splitlines()
        if ligne.strip()
    ] or CONTENUS_NON_ACCESSIBLES
    return render(
        request,
        "portail/accessibilite.html",
        {
            "statut": config.get_accessibilite_statut_display(),
            "conforme": config.accessibilite_statut == StatutAccessibilite.TOTALEMENT,
            "date_declaration": config.accessibilite_date or DATE_DECLARATION,
            "contenus": contenus,
            "controles": CONTROLES_AUTOMATIQUES,
            "url_portail": request.build_absolute_uri("/"),
        },
    )


def plan_du_site(request: HttpRequest) -> HttpResponse:
    return render(request, "portail/plan_du_site.html")
