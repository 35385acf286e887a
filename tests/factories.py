"""Fabriques factory_boy partagées par les tests de toutes les applications."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from familles.models import Enfant, Famille, Responsable, Role
from portail.noyau.models import User

MOT_DE_PASSE = "Test-Parent-2026"
SANS_VALEUR = object()


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"compte{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.fr")
    password = factory.django.Password(MOT_DE_PASSE)
    cgu_version = "1"


class FamilleFactory(DjangoModelFactory):
    class Meta:
        model = Famille

    numero = factory.Sequence(lambda n: f"{5000 + n}")
    nom = factory.Sequence(lambda n: f"FAMILLE{n}")
    adresse = "1 rue de la République"
    code_postal = "59112"
    ville = "CARNIN"
    email = factory.LazyAttribute(lambda o: f"famille{o.numero}@example.fr")

    @classmethod
    def _create(
        cls, model_class, *args, compte=SANS_VALEUR, accepte_email=True, accepte_sms=False, **kwargs
    ):
        """Chaque famille a son responsable principal et son compte (identifiant : le numéro),
        sauf ``compte=None`` (famille sans compte) ; ``compte=<User>`` le lie. Les accords
        e-mail / SMS sont ceux de ce responsable (chaque adulte a les siens)."""
        famille = super()._create(model_class, *args, **kwargs)
        if compte is SANS_VALEUR:
            compte = UserFactory(
                username=famille.numero, email=f"famille{famille.numero}@example.fr"
            )
        Responsable.objects.create(
            famille=famille,
            role=Role.RESPONSABLE,
            nom=famille.nom,
            prenom="Jean",
            civilite="M",
            qualite="pere",
            date_naissance=date(1980, 2, 1),
            email=famille.email,
            compte=compte,
            accepte_email=accepte_email,
            accepte_sms=accepte_sms,
        )
        return famille


class ResponsableFactory(DjangoModelFactory):
    class Meta:
        model = Responsable

    famille = factory.SubFactory(FamilleFactory)
    role = Role.RESPONSABLE
    nom = factory.LazyAttribute(lambda o: o.famille.nom)
    prenom = "Jean"
    civilite = "M"
    qualite = "pere"
    date_naissance = date(1980, 2, 1)
    email = factory.LazyAttribute(lambda o: o.famille.email)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Le responsable principal existe déjà (FamilleFactory) : on le complète."""
        famille = kwargs["famille"]
        if kwargs.get("role", Role.RESPONSABLE) == Role.RESPONSABLE:
            principal = famille.responsables.filter(role=Role.RESPONSABLE).first()
            if principal is not None:
                for nom, valeur in kwargs.items():
                    setattr(principal, nom, valeur)
                principal.save()
                return principal
        return super()._create(model_class, *args, **kwargs)


class EnfantFactory(DjangoModelFactory):
    class Meta:
        model = Enfant

    famille = factory.SubFactory(FamilleFactory)
    nom = factory.LazyAttribute(lambda o: o.famille.nom)
    prenom = factory.Sequence(lambda n: f"Enfant{n}")
    sexe = "F"
    date_naissance = date(2019, 5, 1)


def compte_de(famille: Famille) -> User | None:
    """Le compte du responsable principal d'une famille de test (chaque adulte a le sien)."""
    principal = famille.responsables.filter(role=Role.RESPONSABLE).select_related("compte").first()
    return principal.compte if principal is not None else None


def conjointe(famille: Famille, **accords: bool) -> Responsable:
    """Jeanne DUPONT, la conjointe de la famille, avec son propre compte (identifiant : son
    adresse e-mail) ; ``accords`` : ses accords e-mail / SMS."""
    return ResponsableFactory.create(
        famille=famille,
        role=Role.CONJOINT,
        prenom="Jeanne",
        nom="DUPONT",
        email="jeanne.dupont@example.fr",
        compte=UserFactory(username="jeanne.dupont@example.fr", email="jeanne.dupont@example.fr"),
        **accords,
    )
