"""Les e-mails des familles, envoyés par Celery après le commit (sous les services : ils
lisent les modèles et rendent les gabarits, sans appeler de service).

L'e-mail des identifiants est le seul qui écrit : le mot de passe temporaire est tiré avec
``secrets`` DANS le worker, enregistré haché et envoyé dans la même transaction ; il
n'apparaît nulle part ailleurs (ni argument de tâche, ni journal, ni sortie de commande).
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portail.noyau.emails import envoyer_email, tache_email
from portail.noyau.models import User

from .models import Responsable, Role

# Sans caractères qu'on confond à la lecture (l, 1, I, O, 0).
MAJUSCULES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MINUSCULES = "abcdefghijkmnopqrstuvwxyz"
CHIFFRES = "23456789"
LONGUEUR_MOT_DE_PASSE = 12


def mot_de_passe_temporaire() -> str:
    """12 caractères tirés avec secrets, dont au moins une majuscule, une minuscule et un
    chiffre : la règle des mots de passe du portail."""
    alphabet = MAJUSCULES + MINUSCULES + CHIFFRES
    caracteres = [
        secrets.choice(MAJUSCULES),
        secrets.choice(MINUSCULES),
        secrets.choice(CHIFFRES),
        *(secrets.choice(alphabet) for _ in range(LONGUEUR_MOT_DE_PASSE - 3)),
    ]
    # Mélange avec secrets (random.shuffle n'est pas fait pour les secrets).
    melange = []
    while caracteres:
        melange.append(caracteres.pop(secrets.randbelow(len(caracteres))))
    return "".join(melange)


def adresse_adulte(responsable: Responsable) -> str:
    """L'adresse où l'adulte reçoit ses identifiants : celle de son compte, sinon la sienne ;
    le responsable principal reçoit à défaut à l'adresse du foyer."""
    if responsable.compte is not None and responsable.compte.email:
        return responsable.compte.email.lower()
    if responsable.email:
        return responsable.email.lower()
    if responsable.role == Role.RESPONSABLE:
        return (responsable.famille.email or "").lower()
    return ""


@transaction.atomic
def identifiants_envoyer(*, compte_id: int) -> int:
    """Tire un mot de passe temporaire, l'enregistre et l'envoie (appelé par le worker).

    Si l'envoi échoue, rien n'est enregistré : le mot de passe précédent reste valable et la
    tâche peut être rejouée.
    """
    compte = (
        User.objects.select_for_update(of=("self",))
        .select_related("responsable__famille")
        .filter(pk=compte_id, is_active=True)
        .first()
    )
    famille = getattr(compte, "famille", None) if compte is not None else None
    if compte is None or famille is None:
        return 0
    adresse = adresse_adulte(compte.responsable)
    if not adresse:
        return 0
    mot_de_passe = mot_de_passe_temporaire()
    expire_le = timezone.now() + timedelta(days=settings.IDENTIFIANTS_VALIDITE_JOURS)
    compte.set_password(mot_de_passe)
    compte.doit_changer_mot_de_passe = True
    compte.mot_de_passe_temporaire_expire_le = expire_le
    compte.save(
        update_fields=["password", "doit_changer_mot_de_passe", "mot_de_passe_temporaire_expire_le"]
    )
    return envoyer_email(
        destinataires=[adresse],
        gabarit="identifiants",
        contexte={
            "famille": famille,
            "adulte": compte.responsable,
            "identifiant": compte.username,
            "mot_de_passe": mot_de_passe,
            "expire_le": expire_le,
            "adresse_portail": settings.PORTAIL_URL,
        },
    )


@tache_email("familles.tasks.envoyer_identifiants_task")
def envoyer_identifiants_task(*, compte_id: int) -> int:
    """Tire le mot de passe temporaire dans le worker, l'enregistre et l'envoie par e-mail."""
    return identifiants_envoyer(compte_id=compte_id)
