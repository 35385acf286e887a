"""Familles de démonstration : DUPONT (Jean et Jeanne, chacun son compte, première connexion
faite), MARTIN (Claire, à faire) et BERNARD (Paul), second foyer d'Hugo MARTIN."""

from datetime import date

from django.utils import timezone

from demandes.models import Demande
from demandes.services import demande_accepter
from portail.noyau.configuration import configuration_courante
from portail.noyau.models import User

from .models import Enfant, Famille, PersonneAutorisee, Qualite, Responsable, Role
from .services import Changement, TypeRenseignement, renseignements_demander


def _compte_parent(
    email: str, mot_de_passe: str, identifiant: str, prenom: str, nom: str, premiere_faite: bool
) -> User:
    user, cree = User.objects.get_or_create(
        username=identifiant, defaults={"email": email, "first_name": prenom, "last_name": nom}
    )
    if cree:
        user.set_password(mot_de_passe)
        if premiere_faite:
            user.cgu_version = configuration_courante().cgu_version
            user.cgu_acceptees_le = timezone.now()
        else:
            user.doit_changer_mot_de_passe = True
        user.save()
    return user


def charger() -> list[str]:
    dupont_compte = _compte_parent(
        "jean.dupont@example.fr", "Demo-Parent-2026", "1001", "Jean", "DUPONT", True
    )
    dupont, _ = Famille.objects.get_or_create(
        numero="1001",
        defaults={
            "nom": "DUPONT",
            "adresse": "12 rue du stade",
            "code_postal": "59112",
            "ville": "CARNIN",
            "email": "jean.dupont@example.fr",
        },
    )
    jean, _ = Responsable.objects.get_or_create(
        famille=dupont,
        role=Role.RESPONSABLE,
        defaults={
            "nom": "DUPONT",
            "prenom": "Jean",
            "civilite": "M",
            "qualite": Qualite.PERE,
            "date_naissance": date(1980, 2, 1),
            "ville_naissance": "CARNIN",
            "cp_naissance": "59112",
            "telephone_domicile": "03 01 02 03 04",
            "email": "jean.dupont@example.fr",
            "profession": "Technicien",
        },
    )
    _lier(jean, dupont_compte)
    jeanne, _ = Responsable.objects.get_or_create(
        famille=dupont,
        role=Role.CONJOINT,
        defaults={
            "nom": "DUPONT",
            "prenom": "Jeanne",
            "civilite": "MME",
            "qualite": Qualite.MERE,
            "date_naissance": date(1982, 6, 3),
            "telephone_mobile": "06 01 02 03 04",
            "email": "jeanne.dupont@example.fr",
        },
    )
    _lier(
        jeanne,
        _compte_parent(
            "jeanne.dupont@example.fr",
            "Demo-Conjoint-2026",
            "jeanne.dupont@example.fr",
            "Jeanne",
            "DUPONT",
            True,
        ),
    )
    aujourdhui = timezone.localdate()
    lise, _ = Enfant.objects.get_or_create(
        famille=dupont,
        prenom="Lise",
        defaults={
            "nom": "DUPONT",
            "sexe": "F",
            "date_naissance": date(aujourdhui.year - 7, 5, 1),
            "ville_naissance": "CARNIN",
            "cp_naissance": "59112",
            "adresse_de": jean,
            "ecole": "École primaire de Carnin",
            "classe": "CE1",
        },
    )
    # Moins de 6 ans au 1er janvier : DUPONT a une attestation de frais de garde.
    Enfant.objects.get_or_create(
        famille=dupont,
        prenom="Léo",
        defaults={
            "nom": "DUPONT",
            "sexe": "M",
            "date_naissance": date(aujourdhui.year - 4, 3, 14),
            "ville_naissance": "CARNIN",
            "cp_naissance": "59112",
            "adresse_de": jean,
            "ecole": "École maternelle de Carnin",
            "classe": "MS",
        },
    )
    PersonneAutorisee.objects.get_or_create(
        enfant=lise,
        famille=dupont,
        nom="DURAND",
        prenom="Martine",
        defaults={"telephone": "06 12 34 56 78", "lien": "Grand-mère"},
    )
    _demande_traitee(dupont, jean, dupont_compte, "profession", "Technicien de maintenance")
    # Jeanne a son compte : sa demande porte « demandée par Jeanne DUPONT ».
    _demande_traitee(dupont, jeanne, jeanne.compte, "profession", "Infirmière")
    martin_compte = _compte_parent(
        "claire.martin@example.fr", "Bienvenue-2026", "1002", "Claire", "MARTIN", False
    )
    martin, _ = Famille.objects.get_or_create(
        numero="1002",
        defaults={
            "nom": "MARTIN",
            "adresse": "3 place de la mairie",
            "code_postal": "59112",
            "ville": "CARNIN",
            "email": "claire.martin@example.fr",
        },
    )
    claire, _ = Responsable.objects.get_or_create(
        famille=martin,
        role=Role.RESPONSABLE,
        defaults={
            "nom": "MARTIN",
            "prenom": "Claire",
            "civilite": "MME",
            "qualite": Qualite.MERE,
            "date_naissance": date(1985, 9, 14),
            "email": "claire.martin@example.fr",
        },
    )
    _lier(claire, martin_compte)
    bernard, _ = Famille.objects.get_or_create(
        numero="1003",
        defaults={
            "nom": "BERNARD",
            "adresse": "8 rue des Tilleuls",
            "code_postal": "59112",
            "ville": "CARNIN",
            "email": "paul.bernard@example.fr",
        },
    )
    paul, _ = Responsable.objects.get_or_create(
        famille=bernard,
        role=Role.RESPONSABLE,
        defaults={
            "nom": "BERNARD",
            "prenom": "Paul",
            "civilite": "M",
            "qualite": Qualite.PERE,
            "date_naissance": date(1983, 4, 22),
            "telephone_mobile": "06 22 33 44 55",
            "email": "paul.bernard@example.fr",
        },
    )
    _lier(
        paul,
        _compte_parent(
            "paul.bernard@example.fr", "Demo-Bernard-2026", "1003", "Paul", "BERNARD", True
        ),
    )
    hugo, _ = Enfant.objects.get_or_create(
        famille=martin,
        prenom="Hugo",
        defaults={
            "nom": "MARTIN",
            "sexe": "M",
            "date_naissance": date(aujourdhui.year - 9, 3, 12),
            "adresse_de": claire,
            "ecole": "École primaire de Carnin",
            "classe": "CM1",
        },
    )
    if hugo.second_foyer_id is None:
        hugo.second_foyer = bernard  # garde alternée : Hugo vit aussi chez Paul BERNARD
        hugo.save(update_fields=["second_foyer"])
    # Chaque foyer d'Hugo a ses personnes autorisées ; aucun ne voit celles de l'autre.
    for foyer, prenom, nom, telephone, lien in [
        (martin, "Sophie", "LEROY", "06 11 22 33 44", "Tante"),
        (bernard, "Marc", "BERNARD", "06 55 44 33 22", "Grand-père"),
    ]:
        PersonneAutorisee.objects.get_or_create(
            enfant=hugo,
            famille=foyer,
            nom=nom,
            prenom=prenom,
            defaults={"telephone": telephone, "lien": lien},
        )
    return [
        "Famille DUPONT : jean.dupont@example.fr / Demo-Parent-2026 (numéro 1001)",
        "Famille DUPONT, conjointe : jeanne.dupont@example.fr / Demo-Conjoint-2026",
        "Famille MARTIN : claire.martin@example.fr / Bienvenue-2026 (numéro 1002, "
        "première connexion à faire)",
        "Famille BERNARD (second foyer d'Hugo) : paul.bernard@example.fr / Demo-Bernard-2026 "
        "(numéro 1003)",
    ]


def _lier(adulte: Responsable, compte: User) -> None:
    """Chaque adulte a son propre compte (créé une seule fois)."""
    if adulte.compte_id is None:
        adulte.compte = compte
        adulte.save(update_fields=["compte"])


def _demande_traitee(
    famille: Famille, adulte: Responsable, compte: User | None, champ: str, valeur: str
) -> None:
    """Une demande de l'adulte sur sa fiche, déjà traitée, dans l'historique des DUPONT, créée
    une seule fois."""
    resume = f"Modification de 1 renseignement pour {adulte.prenom}"
    if Demande.objects.filter(famille=famille, resume=resume).exists():
        return
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.RESPONSABLE
        if adulte.role == Role.RESPONSABLE
        else TypeRenseignement.CONJOINT,
        cible=adulte,
        personne=adulte.prenom,
        changements=[Changement(objet=adulte, champ=champ, valeur=valeur)],
        auteur=compte,
    )
    if demande is not None:
        demande_accepter(demande=demande, agent=User.objects.filter(username="agent").first())
