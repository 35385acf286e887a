from typing import cast

import filetype
import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import PremiereConnexionForm
from .noyau.configuration import configuration_courante
from .noyau.interrupteurs import accueil as accueil_visible
from .noyau.models import User
from .noyau.pages import page_famille
from .services import compte_terminer_premiere_connexion


@page_famille()
def accueil(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff and getattr(request.user, "famille", None) is None:
        return redirect("admin:index")
    famille = getattr(request.user, "famille", None)
    blocs = []
    for bloc in accueil_visible():
        contexte = bloc.contexte(request, famille) if famille is not None else None
        if contexte is not None:
            blocs.append((bloc.template, contexte))
    return render(
        request,
        "portail/accueil.html",
        {"famille": famille, "aujourdhui": timezone.localdate(), "blocs": blocs},
    )


@login_required
def premiere_connexion(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    config = configuration_courante()
    if not user.doit_changer_mot_de_passe and user.cgu_version == config.cgu_version:
        return redirect("portail:accueil")
    form = PremiereConnexionForm(request.POST or None, user=user)
    if not user.doit_changer_mot_de_passe:
        # Seules les conditions ont changé : pas de nouveau mot de passe à choisir.
        del form.fields["nouveau_mot_de_passe"]
        del form.fields["confirmation"]
    if request.method == "POST" and form.is_valid():
        compte_terminer_premiere_connexion(
            request=request,
            user=user,
            mot_de_passe=form.cleaned_data.get("nouveau_mot_de_passe", ""),
            cgu_version=config.cgu_version,
        )
        return redirect("portail:accueil")
    return render(request, "portail/premiere_connexion.html", {"form": form})


def conditions(request: HttpRequest) -> HttpResponse:
    return render(request, "portail/conditions.html")


@require_GET
def logo(request: HttpRequest) -> FileResponse:
    """Le logo de la commune, lu dans les fichiers privés (aucun média n'est public)."""
    config = configuration_courante()
    if not config.logo:
        raise Http404("Pas de logo.")
    try:
        fichier = config.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Pas de logo.") from exc
    type_detecte = filetype.guess(fichier.read(8192))
    fichier.seek(0)
    if type_detecte is None or type_detecte.mime not in {"image/png", "image/jpeg"}:
        fichier.close()
        raise Http404("Logo illisible.")
    reponse = FileResponse(fichier, content_type=type_detecte.mime)
    reponse["Cache-Control"] = "public, max-age=3600"
    reponse["X-Content-Type-Options"] = "nosniff"
    return reponse


def _verifier_base() -> str:
    with connection.cursor() as curseur:
        curseur.execute("SELECT 1")
        curseur.fetchone()
    return "ok"


def _verifier_broker() -> str:
    if not settings.REDIS_URL:
        return "sans objet (tâches exécutées tout de suite)"
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return "ok"


@never_cache
@require_GET
def sante(request: HttpRequest) -> JsonResponse:
    """État du portail pour la supervision : base de données et broker Celery (Redis)."""
    resultat: dict[str, str] = {}
    en_bonne_sante = True
    for nom, verification in (("base", _verifier_base), ("broker", _verifier_broker)):
        try:
            resultat[nom] = verification()
        except Exception as exc:  # toute panne compte : la supervision doit la voir
            resultat[nom] = f"erreur : {exc.__class__.__name__}"
            en_bonne_sante = False
    resultat["statut"] = "ok" if en_bonne_sante else "erreur"
    return JsonResponse(resultat, status=200 if en_bonne_sante else 503)
