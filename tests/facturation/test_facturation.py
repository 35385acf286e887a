import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from facturation.models import Facture, LigneFacture, Regie
from facturation.services import (
    facturation_lancer,
    facture_emettre_avoir,
    reglement_enregistrer,
)
from reservations.models import EtatReservation
from tests.factories import EnfantFactory, FamilleFactory

from .factories import ReservationFactory, TarifFactory, UniteFactory

NOVEMBRE = date(2026, 11, 1)


def _jours(n: int) -> list[date]:
    return [date(2026, 11, j) for j in range(2, 2 + n)]


def test_only_billable_states_are_billed(famille, cantine):
    _regie, repas = cantine
    enfant = famille.enfants.get()
    etats = [
        EtatReservation.RESERVEE,
        EtatReservation.PRESENT,
        EtatReservation.ABSENT_FACTURE,
        EtatReservation.ABSENT_EXCUSE,
        EtatReservation.REFUSEE,
        EtatReservation.DEMANDEE,
        EtatReservation.ABSENCE_DEMANDEE,
    ]
    for jour, etat in zip(_jours(len(etats)), etats, strict=True):
        ReservationFactory(enfant=enfant, unite=repas, date=jour, etat=etat)
    ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 12, 1))  # autre mois

    [resultat] = facturation_lancer(mois=NOVEMBRE)

    facture = Facture.objects.get()
    assert resultat.factures == 1
    assert facture.numero == "CA000001"
    assert facture.total == Decimal("10.20")
    assert (facture.periode_debut, facture.periode_fin) == (date(2026, 11, 1), date(2026, 11, 30))
    assert sorted(LigneFacture.objects.values_list("reservation__etat", flat=True)) == sorted(
        ["reservee", "present", "absent_facture"]
    )


def test_tariff_follows_date_and_family_quotient(configuration, cantine):
    _regie, repas = cantine
    repas.tarifs.all().delete()
    TarifFactory(
        unite=repas,
        date_debut=date(2026, 9, 1),
        date_fin=date(2026, 11, 15),
        quotient_max=600,
        prix=Decimal("1.00"),
    )
    TarifFactory(
        unite=repas,
        date_debut=date(2026, 9, 1),
        date_fin=date(2026, 11, 15),
        quotient_min=601,
        prix=Decimal("3.00"),
    )
    TarifFactory(unite=repas, date_debut=date(2026, 11, 16), prix=Decimal("4.00"))
    modeste = EnfantFactory(famille=FamilleFactory(quotient_familial=450))
    aise = EnfantFactory(famille=FamilleFactory(quotient_familial=1200))
    inconnu = EnfantFactory(famille=FamilleFactory(quotient_familial=None))
    for enfant in (modeste, aise, inconnu):
        ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 11, 10))
        ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 11, 20))

    facturation_lancer(mois=NOVEMBRE)

    totaux = {f.famille_id: f.total for f in Facture.objects.all()}
    assert totaux[modeste.famille_id] == Decimal("5.00")
    assert totaux[aise.famille_id] == Decimal("7.00")
    assert totaux[inconnu.famille_id] == Decimal("7.00")  # sans quotient : tranche sans plafond


def test_day_without_tariff_is_reported_not_billed(famille, cantine):
    _regie, repas = cantine
    sans_tarif = UniteFactory(activite=repas.activite, nom="Goûter")
    enfant = famille.enfants.get()
    ReservationFactory(enfant=enfant, unite=sans_tarif, date=date(2026, 11, 3))
    [resultat] = facturation_lancer(mois=NOVEMBRE)
    assert resultat.factures == 0
    assert resultat.sans_tarif and "Goûter" in resultat.sans_tarif[0]
    assert not Facture.objects.exists()


def test_running_twice_bills_nothing_twice(famille, cantine):
    _regie, repas = cantine
    enfant = famille.enfants.get()
    for jour in _jours(3):
        ReservationFactory(enfant=enfant, unite=repas, date=jour)
    facturation_lancer(mois=NOVEMBRE)
    [second] = facturation_lancer(mois=NOVEMBRE)
    assert second.factures == 0
    assert Facture.objects.count() == 1
    # Une réservation ajoutée après coup est facturée seule, sur une nouvelle facture.
    ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 11, 20))
    [troisieme] = facturation_lancer(mois=NOVEMBRE)
    assert troisieme.factures == 1
    assert Facture.objects.order_by("numero_ordre").last().total == Decimal("3.40")
    assert LigneFacture.objects.count() == 4


def test_trial_run_writes_nothing(famille, cantine):
    _regie, repas = cantine
    ReservationFactory(enfant=famille.enfants.get(), unite=repas, date=date(2026, 11, 3))
    [resultat] = facturation_lancer(mois=NOVEMBRE, essai=True)
    assert resultat.factures == 1 and resultat.total == Decimal("3.40")
    assert not Facture.objects.exists()
    assert Regie.objects.get().prochain_numero_facture == 1


def test_family_with_nothing_to_bill_gets_no_invoice(famille, autre_famille, cantine):
    _regie, repas = cantine
    ReservationFactory(enfant=famille.enfants.get(), unite=repas, date=date(2026, 11, 3))
    facturation_lancer(mois=NOVEMBRE)
    assert list(Facture.objects.values_list("famille", flat=True)) == [famille.pk]


def test_command_bills_and_rejects_bad_month(famille, cantine, capsys):
    _regie, repas = cantine
    ReservationFactory(enfant=famille.enfants.get(), unite=repas, date=date(2026, 11, 3))
    call_command("facturer", "--mois", "2026-11", "--essai")
    assert not Facture.objects.exists()
    call_command("facturer", "--mois", "2026-11")
    assert "1 facture(s) émises" in capsys.readouterr().out
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="2026-11"):
        call_command("facturer", "--mois", "novembre")


def test_credit_note_reduces_remaining_and_never_exceeds_it(famille, cantine):
    _regie, repas = cantine
    for jour in _jours(5):
        ReservationFactory(enfant=famille.enfants.get(), unite=repas, date=jour)
    facturation_lancer(mois=NOVEMBRE)
    facture = Facture.objects.get()
    avoir = facture_emettre_avoir(facture=facture, montant="3.40", motif="Repas non servi")
    assert avoir.total == Decimal("-3.40") and avoir.numero == "CA000002"
    assert Facture.objects.avec_soldes().get(pk=facture.pk).reste == Decimal("13.60")
    with pytest.raises(ValidationError, match="dépasse le reste"):
        facture_emettre_avoir(facture=facture, montant="20", motif="Trop")
    with pytest.raises(ValidationError):
        facture_emettre_avoir(facture=facture, montant="-1", motif="Négatif")
    assert Facture.objects.count() == 2


def test_payment_is_allocated_oldest_first_and_never_beyond(famille, cantine):
    regie, repas = cantine
    enfant = famille.enfants.get()
    ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 10, 5))
    facturation_lancer(mois=date(2026, 10, 1))
    ReservationFactory(enfant=enfant, unite=repas, date=date(2026, 11, 5))
    facturation_lancer(mois=NOVEMBRE)
    reglement = reglement_enregistrer(famille=famille, regie=regie, montant="5.00", mode="cheque")
    soldes = {f.numero: f.reste for f in Facture.objects.avec_soldes()}
    assert soldes == {"CA000001": Decimal("0.00"), "CA000002": Decimal("1.80")}
    assert sum(a.montant for a in reglement.affectations.all()) == Decimal("5.00")
    with pytest.raises(ValidationError):
        reglement_enregistrer(famille=famille, regie=regie, montant="1.234", mode="cheque")
    with pytest.raises(ValidationError):
        reglement_enregistrer(famille=famille, regie=regie, montant="3", mode="bitcoin")


@pytest.mark.django_db(transaction=True)
def test_invoice_numbers_have_no_gap_under_concurrency(configuration):
    from .factories import regie_cantine

    _regie, repas = regie_cantine()
    familles = [FamilleFactory() for _ in range(6)]
    for famille in familles:
        ReservationFactory(
            enfant=EnfantFactory(famille=famille), unite=repas, date=date(2026, 11, 3)
        )
        ReservationFactory(
            enfant=EnfantFactory(famille=famille), unite=repas, date=date(2026, 10, 3)
        )
    facture_oct = []

    def travail(action):
        try:
            action()
        finally:
            connection.close()

    fils = [
        threading.Thread(target=travail, args=(lambda: facturation_lancer(mois=NOVEMBRE),)),
        threading.Thread(target=travail, args=(lambda: facturation_lancer(mois=NOVEMBRE),)),
        threading.Thread(
            target=travail,
            args=(lambda: facture_oct.append(facturation_lancer(mois=date(2026, 10, 1))),),
        ),
    ]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    ordres = sorted(Facture.objects.values_list("numero_ordre", flat=True))
    assert ordres == list(range(1, 13))
    assert LigneFacture.objects.count() == 12
    assert Regie.objects.get().prochain_numero_facture == 13


def test_billing_in_several_batches_keeps_numbers_and_lines(configuration, cantine, monkeypatch):
    import facturation.services.facturation

    monkeypatch.setattr(facturation.services.facturation, "TAILLE_LOT", 2)
    _regie, repas = cantine
    for _ in range(5):
        enfant = EnfantFactory(famille=FamilleFactory())
        for jour in _jours(3):
            ReservationFactory(enfant=enfant, unite=repas, date=jour)
    [resultat] = facturation_lancer(mois=NOVEMBRE)
    assert resultat.factures == 5 and resultat.numeros == ["CA000001", "CA000005"]
    assert sorted(Facture.objects.values_list("numero_ordre", flat=True)) == [1, 2, 3, 4, 5]
    for facture in Facture.objects.all():
        assert facture.lignes.count() == 3 and facture.total == Decimal("10.20")
        assert {ligne.enfant.famille_id for ligne in facture.lignes.all()} == {facture.famille_id}
