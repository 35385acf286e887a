"""Données de démonstration du portail : la commune et les comptes des agents."""

from django.contrib.auth.models import Group

from .groupes import AGENT, REGISSEUR, groupes_mettre_a_jour
from .noyau.configuration import vider_cache_configuration
from .noyau.models import Configuration, User

CGU = (
    "Le Portail Famille permet aux familles de consulter et de modifier leurs "
    "renseignements, de demander des réservations, de consulter et payer leurs factures et "
    "de transmettre des pièces. Les demandes sont soumises à la validation de la mairie. "
    "Les données sont traitées par la mairie pour la gestion des services périscolaires."
)


def _compte(username: str, mot_de_passe: str, **champs) -> User:
    user, cree = User.objects.get_or_create(username=username, defaults=champs)
    if cree:
        user.set_password(mot_de_passe)
        user.save()
    return user


def charger() -> list[str]:
    Configuration.objects.update_or_create(
        pk=1,
        defaults={
            "nom_commune": "Carnin (démo)",
            "site_web": "https://www.example.fr/",
            "email_contact": "portail@example.fr",
            "cgu_texte": CGU,
            "cgu_version": "1",
            "zone_scolaire": "B",
        },
    )
    vider_cache_configuration()
    agent = _compte(
        "agent",
        "Demo-Agent-2026",
        is_staff=True,
        first_name="Agnès",
        last_name="AGENT",
        email="agent@example.fr",
    )
    groupes_mettre_a_jour()
    groupe = Group.objects.get(name=AGENT)
    agent.groups.add(groupe)
    regisseur = _compte(
        "regisseur",
        "Demo-Regisseur-2026",
        is_staff=True,
        first_name="Rémi",
        last_name="RÉGISSEUR",
        email="regisseur@example.fr",
    )
    regisseur.groups.add(Group.objects.get(name=REGISSEUR))
    _compte("admin", "Demo-Admin-2026", is_staff=True, is_superuser=True, email="admin@example.fr")
    return [
        "Agent : agent / Demo-Agent-2026 (administration : /admin/)",
        "Régisseur : regisseur / Demo-Regisseur-2026 (administration : /admin/)",
        "Administrateur : admin / Demo-Admin-2026",
    ]
