"""Outils des tests de la liste d'attente : un jour complet de l'ALSH et ses foyers."""

from datetime import date

from demandes.models import Demande
from demandes.services import demande_accepter
from reservations.models import Reservation
from reservations.regles import Choix
from reservations.services import reservation_demander
from tests.factories import EnfantFactory, FamilleFactory

from .factories import InscriptionFactory

MERCREDI = date(2026, 11, 18)


def reserver(famille, alsh, *, accepter: bool = True, agent=None) -> Reservation:
    """La famille réserve la Journée du 18/11 (la seule place) ; acceptée par l'agent."""
    enfant = famille.enfants.get()
    (demande,) = reservation_demander(
        famille=famille,
        periode=alsh.periode,
        ajouts=[Choix(enfant.pk, alsh.journee.pk, MERCREDI)],
        suppressions=[],
    )
    if accepter:
        demande_accepter(demande=demande, agent=agent)
    return Reservation.objects.get(enfant=enfant, unite=alsh.journee, date=MERCREDI)


def inscrire_attente(famille, alsh, auteur=None) -> list[Demande]:
    enfant = famille.enfants.get()
    return reservation_demander(
        famille=famille,
        periode=alsh.periode,
        ajouts=[],
        suppressions=[],
        attentes=[Choix(enfant.pk, alsh.journee.pk, MERCREDI)],
        auteur=auteur,
    )


def troisieme_famille(alsh, nom: str = "BERNARD"):
    famille = FamilleFactory(nom=nom)
    enfant = EnfantFactory(famille=famille, prenom="Nina", nom=nom)
    InscriptionFactory.create(enfant=enfant, activite=alsh.periode.activite)
    return famille


def attente_de(famille, alsh) -> Reservation:
    return Reservation.objects.get(enfant__famille=famille, unite=alsh.journee, date=MERCREDI)
