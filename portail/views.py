from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from .configuration import configuration_courante
from .forms import PremiereConnexionForm
from .models import User
from .registre import ACCUEIL
from .services import compte_terminer_premiere_connexion


@login_required
def accueil(request: HttpRequest) -> HttpResponse:
    if request.user.is_staff and getattr(request.user, "famille", None) is None:
        return redirect("admin:index")
    config = configuration_courante()
    famille = getattr(request.user, "famille", None)
    blocs = []
    for bloc in ACCUEIL:
        if bloc.interrupteur and not getattr(config, bloc.interrupteur, False):
            continue
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
