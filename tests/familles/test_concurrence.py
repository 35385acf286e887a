"""Deux envois simultanés du même formulaire (double clic) : une seule demande.

Vraies transactions PostgreSQL dans deux fils : le verrou sur la famille fait attendre le
second envoi, qui trouve alors la demande identique déjà en attente.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from demandes.models import Demande
from familles.models import Responsable
from familles.services import (
    MESSAGE_DOUBLON,
    Changement,
    TypeRenseignement,
    renseignements_demander,
)


@pytest.mark.django_db(transaction=True)
def test_deux_envois_simultanes_creent_une_seule_demande(famille, jean):
    depart = threading.Barrier(2)
    resultats: list[str] = []

    def envoyer() -> None:
        try:
            adulte = Responsable.objects.get(pk=jean.pk)
            depart.wait()
            renseignements_demander(
                famille=famille,
                type=TypeRenseignement.RESPONSABLE,
                cible=adulte,
                personne="Jean",
                changements=[
                    Changement(objet=adulte, champ="telephone_mobile", valeur="06 12 34 56 78")
                ],
            )
            resultats.append("créée")
        except ValidationError as exc:
            resultats.append(" ".join(exc.messages))
        finally:
            connection.close()

    fils = [threading.Thread(target=envoyer) for _ in range(2)]
    for f in fils:
        f.start()
    for f in fils:
        f.join(timeout=30)

    assert sorted(resultats) == sorted(["créée", MESSAGE_DOUBLON])
    assert Demande.objects.count() == 1
