"""Propriété : réservations, règlements et avoirs au hasard, les soldes tombent juste."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facturation.models import Facture, LigneFacture, Reglement
from facturation.selectors import solde_famille
from facturation.services import facturation_lancer, facture_emettre_avoir, reglement_enregistrer
from reservations.models import ETATS_FACTURABLES, EtatReservation, Reservation
from tests.factories import EnfantFactory, FamilleFactory

from .factories import regie_cantine

reservations_st = st.lists(
    st.tuples(
        st.integers(0, 1),  # enfant
        st.integers(1, 30),  # jour de novembre
        st.sampled_from(list(EtatReservation)),
        st.integers(0, 1),  # unité
    ),
    max_size=25,
)
montants_st = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60"), places=2)
operations_st = st.lists(
    st.one_of(
        st.tuples(st.just("reglement"), montants_st),
        st.tuples(st.just("avoir"), montants_st),
        st.tuples(st.just("refacturer"), st.just(Decimal(0))),
    ),
    max_size=8,
)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(reservations=reservations_st, operations=operations_st)
def test_balances_always_add_up(configuration, reservations, operations):
    with transaction.atomic():
        regie, repas = regie_cantine(prix="3.40")
        from .factories import TarifFactory, UniteFactory

        gouter = UniteFactory(activite=repas.activite, nom="Goûter")
        TarifFactory(unite=gouter, prix=Decimal("0.85"))
        famille = FamilleFactory()
        enfants = [EnfantFactory(famille=famille), EnfantFactory(famille=famille)]
        vues = set()
        for e, jour, etat, u in reservations:
            if (e, jour, u) in vues:
                continue
            vues.add((e, jour, u))
            Reservation.objects.create(
                enfant=enfants[e],
                famille=enfants[e].famille,
                unite=[repas, gouter][u],
                date=date(2026, 11, jour),
                etat=etat,
            )
        facturation_lancer(mois=date(2026, 11, 1))
        for action, montant in operations:
            if action == "reglement":
                reglement_enregistrer(famille=famille, regie=regie, montant=montant, mode="cheque")
            elif action == "refacturer":
                assert facturation_lancer(mois=date(2026, 11, 1))[0].factures == 0
            else:
                facture = Facture.objects.filter(facture_corrigee__isnull=True).first()
                if facture is None:
                    continue
                try:
                    facture_emettre_avoir(facture=facture, montant=montant, motif="Correction")
                except ValidationError:
                    reste = Facture.objects.avec_soldes().get(pk=facture.pk).reste
                    assert montant > reste

        # Chaque réservation facturable est facturée une et une seule fois, au bon prix.
        facturables = Reservation.objects.filter(etat__in=ETATS_FACTURABLES).count()
        assert LigneFacture.objects.filter(reservation__isnull=False).count() == facturables
        attendu = sum(
            (
                Decimal("3.40") if r.unite_id == repas.pk else Decimal("0.85")
                for r in Reservation.objects.filter(etat__in=ETATS_FACTURABLES)
            ),
            Decimal("0.00"),
        )
        factures = list(Facture.objects.avec_soldes())
        assert sum((f.total for f in factures if not f.est_avoir), Decimal(0)) == attendu
        for f in factures:
            assert f.total == sum((ligne.montant for ligne in f.lignes.all()), Decimal(0))
            if not f.est_avoir:
                assert Decimal(0) <= f.reste <= f.total
                assert f.reste == f.total + f.avoirs - f.deja_regle
        reglements = list(Reglement.objects.avec_affecte())
        for r in reglements:
            assert Decimal(0) <= r.montant_affecte <= r.montant
        ordres = sorted(f.numero_ordre for f in factures)
        assert ordres == list(range(1, len(ordres) + 1))
        # Le solde = ce qui reste à régler - ce qui a été payé sans être imputé.
        non_impute = sum((r.montant - r.montant_affecte for r in reglements), Decimal(0))
        restes = sum((f.reste for f in factures), Decimal(0))
        assert solde_famille(famille) == restes - non_impute
        transaction.set_rollback(True)
