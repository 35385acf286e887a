"""Les groupes du personnel (agent, régisseur, administrateur) et leurs permissions.

Recalculés après chaque `migrate` (signal post_migrate) : un modèle ajouté plus tard par une
application est couvert sans rien écrire de plus. Les permissions ajoutées à la main dans
l'admin sont conservées ; seules les permissions prévues ici sont ajoutées.
"""

from django.apps import AppConfig, apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

AGENT = "agent"
REGISSEUR = "régisseur"
ADMINISTRATEUR = "administrateur"

# Applications traitées au guichet : voir, ajouter, modifier (pas supprimer).
APPLICATIONS_AGENT = ("demandes", "familles", "reservations", "pieces")
# Le régisseur tient en plus la facturation et les règlements.
APPLICATIONS_REGISSEUR = (*APPLICATIONS_AGENT, "facturation")
ACTIONS = ("view", "add", "change")


def _permissions_metier(applications: tuple[str, ...]) -> Q:
    filtre = Q(content_type__app_label__in=applications) & Q(
        codename__regex=r"^(" + "|".join(ACTIONS) + r")_"
    )
    # Débloquer un compte (django-axes) : voir et supprimer les tentatives ; voir les comptes.
    filtre |= Q(
        content_type__app_label="axes",
        codename__in=[
            "view_accessattempt",
            "delete_accessattempt",
            "view_accesslog",
            "view_accessfailurelog",
        ],
    )
    filtre |= Q(content_type__app_label="portail", codename="view_user")
    # Les infos de la page d'accueil (actualités) sont tenues par les agents (sans suppression).
    filtre |= Q(
        content_type__app_label="portail",
        codename__in=["view_actualite", "add_actualite", "change_actualite"],
    )
    return filtre


@transaction.atomic
def groupes_mettre_a_jour() -> dict[str, int]:
    """Crée les trois groupes s'ils manquent et leur donne leurs permissions (idempotent)."""
    definitions = {
        AGENT: Permission.objects.filter(_permissions_metier(APPLICATIONS_AGENT)),
        REGISSEUR: Permission.objects.filter(_permissions_metier(APPLICATIONS_REGISSEUR)),
        ADMINISTRATEUR: Permission.objects.all(),
    }
    resultat = {}
    for nom, permissions in definitions.items():
        groupe, _ = Group.objects.get_or_create(name=nom)
        groupe.permissions.add(*permissions)
        resultat[nom] = groupe.permissions.count()
    return resultat


def groupes_apres_migrate(sender: AppConfig, **kwargs: object) -> None:
    """Le récepteur de post_migrate : une seule fois par migrate (après la dernière
    application), quand toutes les permissions existent."""
    derniere = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    if sender.name == derniere.name:
        groupes_mettre_a_jour()
