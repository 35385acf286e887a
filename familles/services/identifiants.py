"""Comptes des familles et envoi de leurs identifiants.

Le mot de passe temporaire est tiré avec ``secrets`` DANS le worker Celery, enregistré haché
et envoyé par e-mail : il n'apparaît nulle part ailleurs (ni argument de tâche, ni journal,
ni sortie de commande).
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from portail.noyau.emails import envoyer_email
from portail.noyau.models import User

from ..models import Famille, Role

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
    familles = Famille.objects.all()
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


@dataclass
class Lot:
    preparees: list[Preparation] = field(default_factory=list)
    # Une phrase par famille qui ne peut pas recevoir d'identifiants.
    ignorees: list[str] = field(default_factory=list)


@transaction.atomic
def comptes_preparer(
    *, famille_ids: list[int], essai: bool = False, seulement_sans_compte: bool = False
) -> Lot:
    """Crée les comptes manquants d'un lot de familles (identifiant = numéro de famille) et
    met en file l'envoi des identifiants de chaque famille du lot, après validation.

    Écritures groupées : un nombre fixe de requêtes par lot. Un compte créé n'a pas de mot
    de passe utilisable tant que le worker n'a pas envoyé les identifiants. Une famille sans
    adresse, ou en conflit avec un autre compte, est ignorée et citée dans ``Lot.ignorees``.
    """
    lot = Lot()
    verrouillees = list(
        Famille.objects.select_for_update(of=("self",))
        .select_related("compte")
        .prefetch_related("responsables")
        .filter(pk__in=famille_ids)
        .order_by("numero")
    )
    a_creer: list[tuple[Famille, str]] = []
    for famille in verrouillees:
        if seulement_sans_compte and famille.compte is not None:
            continue  # compte créé entre-temps (commande lancée deux fois en même temps)
        # Un compte existant reçoit à son adresse de connexion (celle du mot de passe oublié).
        adresse = (famille.compte.email if famille.compte else "") or adresse_famille(famille)
        if not adresse:
            lot.ignorees.append(
                f"La famille {famille.numero} n'a pas d'adresse e-mail : renseignez-la d'abord."
            )
        elif famille.compte is None:
            a_creer.append((famille, adresse))
        elif not famille.compte.is_active:
            lot.ignorees.append(f"Le compte de la famille {famille.numero} est désactivé.")
        else:
            lot.preparees.append(Preparation(famille, famille.compte, False, adresse))

    identifiants_pris = set(
        User.objects.filter(username__in=[f.numero.lower() for f, _ in a_creer]).values_list(
            "username", flat=True
        )
    )
    adresses_prises = set(
        User.objects.annotate(adresse=Lower("email"))
        .filter(adresse__in=[a for _, a in a_creer])
        .values_list("adresse", flat=True)
    )
    nouveaux: list[tuple[Famille, User, str]] = []
    for famille, adresse in a_creer:
        identifiant = famille.numero.lower()
        if identifiant in identifiants_pris:
            lot.ignorees.append(
                f"Un compte « {identifiant} » existe déjà sans être lié à la famille "
                f"{famille.numero} : liez-le dans l'administration."
            )
            continue
        if adresse in adresses_prises:
            lot.ignorees.append(
                f"L'adresse {adresse} de la famille {famille.numero} sert déjà à un autre "
                "compte : chaque compte a sa propre adresse de connexion."
            )
            continue
        adresses_prises.add(adresse)  # deux familles du lot avec la même adresse
        responsable = next(
            (r for r in famille.responsables.all() if r.role == Role.RESPONSABLE), None
        )
        compte = User(
            username=identifiant,
            email=adresse,
            first_name=responsable.prenom if responsable else "",
            last_name=responsable.nom if responsable else famille.nom,
            doit_changer_mot_de_passe=True,
        )
        compte.set_unusable_password()
        nouveaux.append((famille, compte, adresse))

    if essai:
        lot.preparees += [Preparation(f, None, True, a) for f, _, a in nouveaux]
        return lot
    User.objects.bulk_create([compte for _, compte, _ in nouveaux])
    for famille, compte, adresse in nouveaux:
        famille.compte = compte
        lot.preparees.append(Preparation(famille, compte, True, adresse))
    if nouveaux:
        bulk_update_with_history(
            [famille for famille, _, _ in nouveaux],
            Famille,
            ["compte"],
            default_change_reason="Compte créé par envoyer_identifiants",
        )
    identifiants_planifier(comptes=[p.compte for p in lot.preparees if p.compte is not None])
    return lot


def identifiants_planifier(*, comptes: list[User]) -> None:
    """Met en file l'envoi des identifiants (une tâche par compte), après validation."""
    from ..tasks import envoyer_identifiants_task

    ids = [compte.pk for compte in comptes]

    def publier() -> None:
        for compte_id in ids:
            envoyer_identifiants_task.delay(compte_id=compte_id)

    transaction.on_commit(publier)


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
