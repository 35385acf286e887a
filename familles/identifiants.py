"""Comptes des familles et envoi de leurs identifiants.

Le mot de passe temporaire est tiré avec ``secrets`` DANS le worker Celery, enregistré haché
et envoyé par e-mail : il n'apparaît nulle part ailleurs (ni argument de tâche, ni journal,
ni sortie de commande).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from portail.emails import envoyer_email
from portail.models import User

from .models import Famille, Role

# Sans caractères qu'on confond à la lecture (l, 1, I, O, 0).
MAJUSCULES = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MINUSCULES = "abcdefghijkmnopqrstuvwxyz"
CHIFFRES = "23456789"
LONGUEUR_MOT_DE_PASSE = 12


class Selection:
    FAMILLE = "famille"
    NOUVELLES = "nouvelles"
    EN_ATTENTE = "en_attente"


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


def adresse_famille(famille: Famille) -> str:
    """L'e-mail de la famille, à défaut celui du responsable principal."""
    if famille.email:
        return famille.email.lower()
    for responsable in famille.responsables.all():
        if responsable.role == Role.RESPONSABLE and responsable.email:
            return responsable.email.lower()
    return ""


def familles_a_servir(*, numero: str = "", nouvelles: bool = False) -> QuerySet[Famille]:
    """Les familles concernées par un envoi d'identifiants.

    - ``numero`` : cette famille seulement (même si son compte sert déjà : nouvel envoi) ;
    - ``nouvelles`` : les familles sans compte ;
    - sinon : les familles sans compte et celles dont le compte n'a jamais servi (première
      connexion pas faite), par exemple parce que leur mot de passe temporaire a expiré.
    """
    familles = Famille.objects.select_related("compte").prefetch_related("responsables")
    if numero:
        return familles.filter(numero=numero)
    if nouvelles:
        return familles.filter(compte__isnull=True)
    return familles.filter(
        Q(compte__isnull=True) | Q(compte__doit_changer_mot_de_passe=True, compte__is_active=True)
    )


@dataclass
class Preparation:
    famille: Famille
    compte: User | None
    cree: bool
    adresse: str


@transaction.atomic
def compte_preparer(*, famille: Famille, essai: bool = False) -> Preparation:
    """Crée le compte de la famille s'il manque (identifiant = numéro de famille).

    Le compte créé n'a pas de mot de passe utilisable tant que le worker n'a pas envoyé les
    identifiants. Lève ValidationError si la famille ne peut pas recevoir d'identifiants.
    """
    famille = (
        Famille.objects.select_for_update(of=("self",))
        .select_related("compte")
        .prefetch_related("responsables")
        .get(pk=famille.pk)
    )
    # Un compte existant reçoit à son adresse de connexion (celle du mot de passe oublié).
    adresse = (famille.compte.email if famille.compte else "") or adresse_famille(famille)
    if not adresse:
        raise ValidationError(
            f"La famille {famille.numero} n'a pas d'adresse e-mail : renseignez-la d'abord."
        )
    if famille.compte is not None:
        if not famille.compte.is_active:
            raise ValidationError(f"Le compte de la famille {famille.numero} est désactivé.")
        return Preparation(famille, famille.compte, False, adresse)

    identifiant = famille.numero.lower()
    if User.objects.filter(username=identifiant).exists():
        raise ValidationError(
            f"Un compte « {identifiant} » existe déjà sans être lié à la famille "
            f"{famille.numero} : liez-le dans l'administration."
        )
    if User.objects.filter(email__iexact=adresse).exists():
        raise ValidationError(
            f"L'adresse {adresse} de la famille {famille.numero} sert déjà à un autre compte : "
            "chaque compte a sa propre adresse de connexion."
        )
    if essai:
        return Preparation(famille, None, True, adresse)
    responsable = next((r for r in famille.responsables.all() if r.role == Role.RESPONSABLE), None)
    compte = User(
        username=identifiant,
        email=adresse,
        first_name=responsable.prenom if responsable else "",
        last_name=responsable.nom if responsable else famille.nom,
        doit_changer_mot_de_passe=True,
    )
    compte.set_unusable_password()
    compte.save()
    famille.compte = compte
    famille.save(update_fields=["compte"])
    return Preparation(famille, compte, True, adresse)


def identifiants_planifier(*, compte: User) -> None:
    """Met en file l'envoi des identifiants, une fois la transaction validée."""
    from .tasks import envoyer_identifiants_task

    compte_id = compte.pk
    transaction.on_commit(lambda: envoyer_identifiants_task.delay(compte_id=compte_id))


@transaction.atomic
def identifiants_envoyer(*, compte_id: int) -> int:
    """Tire un mot de passe temporaire, l'enregistre et l'envoie (appelé par le worker).

    Si l'envoi échoue, rien n'est enregistré : le mot de passe précédent reste valable et la
    tâche peut être rejouée.
    """
    compte = (
        User.objects.select_for_update(of=("self",))
        .select_related("famille")
        .filter(pk=compte_id, is_active=True)
        .first()
    )
    famille = getattr(compte, "famille", None) if compte is not None else None
    if compte is None or famille is None:
        return 0
    adresse = compte.email or adresse_famille(famille)
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
            "identifiant": compte.username,
            "mot_de_passe": mot_de_passe,
            "expire_le": expire_le,
            "adresse_portail": settings.PORTAIL_URL,
        },
    )


def mot_de_passe_temporaire_expire(compte: User) -> bool:
    """Vrai si le compte n'a que son mot de passe temporaire et qu'il a expiré."""
    expire_le = compte.mot_de_passe_temporaire_expire_le
    return bool(compte.doit_changer_mot_de_passe and expire_le and expire_le <= timezone.now())


@transaction.atomic
def mots_de_passe_temporaires_expirer() -> int:
    """Rend inutilisables les mots de passe temporaires expirés (tâche de nuit).

    Leur empreinte ne reste pas en base ; la famille redemande ses identifiants à la mairie.
    """
    comptes = list(
        User.objects.select_for_update()
        .filter(
            doit_changer_mot_de_passe=True,
            mot_de_passe_temporaire_expire_le__lte=timezone.now(),
        )
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    )
    for compte in comptes:
        compte.set_unusable_password()
    User.objects.bulk_update(comptes, ["password"])
    return len(comptes)
