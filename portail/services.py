from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .noyau.models import User


@transaction.atomic
def compte_terminer_premiere_connexion(
    *, request: HttpRequest, user: User, mot_de_passe: str, cgu_version: str
) -> User:
    """Enregistre le nouveau mot de passe et l'acceptation des conditions (version, date)."""
    changer_mdp = user.doit_changer_mot_de_passe
    if changer_mdp:
        user.set_password(mot_de_passe)
        user.doit_changer_mot_de_passe = False
        user.mot_de_passe_temporaire_expire_le = None
    user.cgu_version = cgu_version
    user.cgu_acceptees_le = timezone.now()
    user.save(
        update_fields=[
            "password",
            "doit_changer_mot_de_passe",
            "mot_de_passe_temporaire_expire_le",
            "cgu_version",
            "cgu_acceptees_le",
        ]
    )
    if changer_mdp:
        update_session_auth_hash(request, user)
    return user
