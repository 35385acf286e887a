"""Comptes des familles et envoi de leurs identifiants.

Le mot de passe temporaire est tiré DANS le worker Celery par l'e-mail des identifiants
(``familles.emails``) : ici, les comptes sont créés et l'envoi mis en file.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from portail.noyau.models import User

from ..emails import adresse_adulte, envoyer_identifiants_task
from ..models import Famille, Responsable, Role


def identifiant_adulte(responsable: Responsable, adresse: str) -> str:
    """Le responsable principal se connecte avec le numéro de famille, l'autre adulte avec
    son adresse e-mail (un identifiant par compte)."""
    if responsable.role == Role.RESPONSABLE:
        return responsable.famille.numero.lower()
    return adresse


def familles_a_servir(*, numero: str = "", nouvelles: bool = False) -> QuerySet[Famille]:
    """Les familles concernées par un envoi d'identifiants (chaque adulte a son compte).

    - ``numero`` : cette famille seulement (même si ses comptes servent déjà : nouvel envoi) ;
    - ``nouvelles`` : les familles dont un adulte (responsable ou conjoint) n'a pas de compte ;
    - sinon : celles-là et celles dont un compte n'a jamais servi (première connexion pas
      faite), par exemple parce que son mot de passe temporaire a expiré.
    """
    familles = Famille.objects.all()
    if numero:
        return familles.filter(numero=numero)
    adultes = Responsable.objects.filter(role__in=[Role.RESPONSABLE, Role.CONJOINT])
    sans_compte = adultes.filter(compte__isnull=True)
    if nouvelles:
        return familles.filter(pk__in=sans_compte.values("famille_id"))
    jamais_servi = adultes.filter(compte__doit_changer_mot_de_passe=True, compte__is_active=True)
    return familles.filter(
        Q(pk__in=sans_compte.values("famille_id")) | Q(pk__in=jamais_servi.values("famille_id"))
    )


@dataclass
class Preparation:
    famille: Famille
    compte: User | None
    cree: bool
    adresse: str
    adulte: Responsable | None = None


@dataclass
class Lot:
    preparees: list[Preparation] = field(default_factory=list)
    # Une phrase par adulte qui ne peut pas recevoir d'identifiants.
    ignorees: list[str] = field(default_factory=list)


@transaction.atomic
def comptes_preparer(
    *, famille_ids: list[int], essai: bool = False, seulement_sans_compte: bool = False
) -> Lot:
    """Crée les comptes manquants des adultes d'un lot de familles et met en file l'envoi des
    identifiants de chacun, après validation.

    Un compte par adulte (responsable et conjoint) : le responsable principal a pour
    identifiant le numéro de famille, le conjoint son adresse e-mail. Écritures groupées : un
    nombre fixe de requêtes par lot. Un compte créé n'a pas de mot de passe utilisable tant
    que le worker n'a pas envoyé les identifiants. Un adulte sans adresse, ou en conflit avec
    un autre compte, est ignoré et cité dans ``Lot.ignorees``.
    """
    lot = Lot()
    adultes = list(
        Responsable.objects.select_for_update(of=("self",))
        .select_related("famille", "compte")
        .filter(famille_id__in=famille_ids, role__in=[Role.RESPONSABLE, Role.CONJOINT])
        .order_by("famille__numero", "role", "pk")
    )
    a_creer: list[tuple[Responsable, str, str]] = []
    for adulte in adultes:
        famille = adulte.famille
        if seulement_sans_compte and adulte.compte is not None:
            continue  # compte créé entre-temps (commande lancée deux fois en même temps)
        adresse = adresse_adulte(adulte)
        if not adresse:
            if adulte.role == Role.RESPONSABLE:
                lot.ignorees.append(
                    f"La famille {famille.numero} n'a pas d'adresse e-mail : renseignez-la d'abord."
                )
            continue  # un conjoint sans adresse n'a simplement pas de compte
        if adulte.compte is None:
            a_creer.append((adulte, adresse, identifiant_adulte(adulte, adresse)))
        elif not adulte.compte.is_active:
            lot.ignorees.append(f"Le compte de {adulte} (famille {famille.numero}) est désactivé.")
        else:
            lot.preparees.append(Preparation(famille, adulte.compte, False, adresse, adulte))

    identifiants_pris = set(
        User.objects.filter(username__in=[i for _, _, i in a_creer]).values_list(
            "username", flat=True
        )
    )
    adresses_prises = set(
        User.objects.annotate(adresse=Lower("email"))
        .filter(adresse__in=[a for _, a, _ in a_creer])
        .values_list("adresse", flat=True)
    )
    nouveaux: list[tuple[Responsable, User, str]] = []
    for adulte, adresse, identifiant in a_creer:
        famille = adulte.famille
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
        adresses_prises.add(adresse)  # deux adultes du lot avec la même adresse
        identifiants_pris.add(identifiant)
        compte = User(
            username=identifiant,
            email=adresse,
            first_name=adulte.prenom,
            last_name=adulte.nom,
            doit_changer_mot_de_passe=True,
        )
        compte.set_unusable_password()
        nouveaux.append((adulte, compte, adresse))

    if essai:
        lot.preparees += [Preparation(r.famille, None, True, a, r) for r, _, a in nouveaux]
        return lot
    User.objects.bulk_create([compte for _, compte, _ in nouveaux])
    for adulte, compte, adresse in nouveaux:
        adulte.compte = compte
        lot.preparees.append(Preparation(adulte.famille, compte, True, adresse, adulte))
    if nouveaux:
        bulk_update_with_history(
            [adulte for adulte, _, _ in nouveaux],
            Responsable,
            ["compte"],
            default_change_reason="Compte créé par envoyer_identifiants",
        )
    identifiants_planifier(comptes=[p.compte for p in lot.preparees if p.compte is not None])
    return lot


def identifiants_planifier(*, comptes: list[User]) -> None:
    """Met en file l'envoi des identifiants (une tâche par compte), après validation."""
    ids = [compte.pk for compte in comptes]

    def publier() -> None:
        for compte_id in ids:
            envoyer_identifiants_task.delay(compte_id=compte_id)

    transaction.on_commit(publier)


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


@transaction.atomic
def acces_adulte_regler(*, responsable: Responsable, actif: bool) -> None:
    """Coupe ou rend l'accès au portail d'un seul adulte du foyer (une séparation) : le compte
    de l'autre adulte n'est pas touché. Un compte coupé n'atteint plus rien (le backend ne le
    charge plus)."""
    if responsable.compte is None:
        raise ValidationError(f"{responsable} n'a pas de compte sur le portail.")
    compte = User.objects.select_for_update().get(pk=responsable.compte.pk)
    if compte.is_active != actif:
        compte.is_active = actif
        compte.save(update_fields=["is_active"])
