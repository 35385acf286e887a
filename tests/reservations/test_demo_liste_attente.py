"""La démo de la liste d'attente et du règlement intérieur : un mercredi du mois prochain
complet à l'ALSH (24 places sur 24, d'autres foyers), DUPONT y voit « Liste d'attente » ;
le règlement 2026-2027 est accepté par DUPONT, pas par MARTIN ; la règle des impayés est
coupée."""

from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.urls import reverse

from familles.models import Famille
from portail.noyau.configuration import configuration_courante
from reservations.demo_attente import mercredi_complet
from reservations.models import (
    ETATS_OCCUPANT_UNE_PLACE,
    AcceptationReglement,
    Periode,
    ReglementInterieur,
    Reservation,
)
from tests.factories import compte_de


@time_machine.travel(datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Paris")), tick=False)
def test_demo_mercredi_complet_et_reglement(db, client):
    call_command("demo", stdout=None)
    call_command("demo", stdout=None)  # sans rien créer en double
    jour = mercredi_complet(datetime(2026, 12, 1).date())
    assert jour is not None and jour.month == 1
    pris = Reservation.objects.filter(
        unite__activite__nom="ALSH MERCREDI",
        unite__nom="Journée",
        date=jour,
        etat__in=ETATS_OCCUPANT_UNE_PLACE,
    )
    assert pris.count() == 24
    assert not pris.filter(enfant__famille__numero__in=("1001", "1002")).exists()

    reglement = ReglementInterieur.objects.get(annee_scolaire="2026-2027")
    assert reglement.fichier.read().startswith(b"%PDF")
    familles = set(
        AcceptationReglement.objects.filter(reglement=reglement).values_list(
            "famille__numero", flat=True
        )
    )
    assert "1001" in familles and "1002" not in familles
    assert configuration_courante().impayes_seuil is None

    dupont = Famille.objects.get(numero="1001")
    client.force_login(compte_de(dupont))
    periode = Periode.objects.get(activite__nom="ALSH MERCREDI", date_debut=jour.replace(day=1))
    page = unescape(
        client.get(reverse("reservations:reserver"), {"periode": periode.pk}).content.decode()
    )
    assert "Liste d'attente" in page
    assert 'name="a"' in page
    assert "J'ai lu et j'accepte" not in page
