from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from reservations.calendrier import jours_de_classe, jours_feries, vacances_scolaires
from reservations.models import Fermeture, JourOuverture, Periode
from reservations.services import jours_ouverture_generer

from .factories_planning import (
    ActiviteFactory,
    PeriodeFactory,
    ReservationFactory,
    UniteFactory,
    alsh_mercredi,
    cantine,
)

PARIS = ZoneInfo("Europe/Paris")


def test_jours_feries_francais_en_francais():
    feries = jours_feries(date(2026, 11, 1), date(2026, 12, 31))
    assert feries[date(2026, 11, 11)] == "Armistice"
    assert date(2026, 11, 1) in feries
    assert date(2026, 12, 25) in feries
    assert date(2026, 11, 12) not in feries


def test_vacances_scolaires_zone_b_toussaint_noel_et_ete():
    vacances = vacances_scolaires(date(2026, 7, 1), date(2027, 1, 10), "B")
    assert vacances[date(2026, 10, 19)].nom == "Vacances de la Toussaint"
    assert not vacances[date(2026, 10, 19)].grandes
    assert vacances[date(2026, 10, 19)].libelle == "Petites vacances"
    assert vacances[date(2026, 12, 21)].nom == "Vacances de Noël"
    assert vacances[date(2026, 8, 14)].grandes
    assert vacances[date(2026, 8, 14)].libelle == "Grandes vacances"
    # La rentrée, la reprise après la Toussaint et après Noël ne sont pas des vacances.
    for jour in (date(2026, 9, 1), date(2026, 11, 2), date(2027, 1, 4)):
        assert jour not in vacances


def test_vacances_de_printemps_dependent_de_la_zone():
    jour = date(2027, 4, 26)
    assert jour in vacances_scolaires(jour, jour, "B")
    assert jour not in vacances_scolaires(jour, jour, "A")


def test_annee_scolaire_depuis_les_donnees_du_paquet():
    assert jours_de_classe("2026-2027") == (date(2026, 9, 1), date(2027, 7, 2))


@pytest.mark.parametrize("libelle", ["2026", "2026-2028", "deux-mille", "2040-2041"])
def test_annee_scolaire_invalide_ou_inconnue(libelle):
    with pytest.raises(ValidationError):
        jours_de_classe(libelle)


@pytest.mark.django_db
def test_generation_octobre_sans_les_vacances_de_la_toussaint_et_idempotente(configuration):
    unite = cantine()
    periode = PeriodeFactory(
        activite=unite.activite, date_debut=date(2026, 10, 1), date_fin=date(2026, 10, 31)
    )
    bilan = jours_ouverture_generer(periode=periode)
    attendus = [date(2026, 10, j) for j in (1, 2, 5, 6, 8, 9, 12, 13, 15, 16)]
    assert sorted(JourOuverture.objects.filter(unite=unite).values_list("date", flat=True)) == (
        attendus
    )
    assert (bilan.crees, bilan.vacances, bilan.feries) == (10, 8, 0)

    encore = jours_ouverture_generer(periode=periode)
    assert (encore.crees, encore.deja_la) == (0, 10)
    assert JourOuverture.objects.filter(unite=unite).count() == 10


@pytest.mark.django_db
def test_activite_ouverte_pendant_les_vacances(configuration):
    unite = UniteFactory(activite=ActiviteFactory(nom="ALSH VACANCES", ouverte_vacances=True))
    periode = PeriodeFactory(
        activite=unite.activite, date_debut=date(2026, 10, 19), date_fin=date(2026, 10, 30)
    )
    bilan = jours_ouverture_generer(periode=periode)
    assert bilan.crees == 8
    assert bilan.vacances == 0


@pytest.mark.django_db
def test_generation_sans_les_jours_feries(configuration):
    unite = alsh_mercredi()
    periode = PeriodeFactory(activite=unite.activite)  # novembre 2026, 11/11 est un mercredi
    bilan = jours_ouverture_generer(periode=periode)
    jours = list(JourOuverture.objects.filter(unite=unite).values_list("date", flat=True))
    assert jours == [date(2026, 11, 4), date(2026, 11, 18), date(2026, 11, 25)]
    assert bilan.feries == 1


@pytest.mark.django_db
def test_fermeture_exclue_et_retiree_si_personne_n_a_reserve(configuration, famille):
    unite = cantine()
    periode = PeriodeFactory(activite=unite.activite)
    jours_ouverture_generer(periode=periode)
    assert JourOuverture.objects.filter(unite=unite, date=date(2026, 11, 13)).exists()
    enfant = famille.enfants.get()
    ReservationFactory(enfant=enfant, unite=unite, date=date(2026, 11, 20))
    Fermeture.objects.create(date=date(2026, 11, 13), motif="Grève")
    Fermeture.objects.create(activite=unite.activite, date=date(2026, 11, 20), motif="Sortie")
    # Une fermeture d'une autre activité ne compte pas.
    Fermeture.objects.create(activite=ActiviteFactory(nom="AUTRE"), date=date(2026, 11, 16))

    bilan = jours_ouverture_generer(periode=periode)

    assert not JourOuverture.objects.filter(unite=unite, date=date(2026, 11, 13)).exists()
    # Un jour réservé n'est pas retiré en silence : l'agent voit la réservation.
    assert JourOuverture.objects.filter(unite=unite, date=date(2026, 11, 20)).exists()
    assert JourOuverture.objects.filter(unite=unite, date=date(2026, 11, 16)).exists()
    assert (bilan.retires, bilan.fermetures) == (1, 2)


@pytest.mark.django_db
def test_une_ouverture_exceptionnelle_ajoutee_a_la_main_est_gardee(configuration):
    unite = cantine()
    periode = PeriodeFactory(activite=unite.activite)
    mercredi = JourOuverture.objects.create(unite=unite, date=date(2026, 11, 18))
    bilan = jours_ouverture_generer(periode=periode)
    assert bilan.retires == 0
    assert JourOuverture.objects.filter(pk=mercredi.pk).exists()


@pytest.mark.django_db
def test_preparer_annee_deux_fois_ne_cree_rien_deux_fois(configuration):
    unite = cantine()
    alsh_mercredi()
    ActiviteFactory(nom="ANCIENNE", actif=False)

    sortie = StringIO()
    call_command("preparer_annee", "2026-2027", stdout=sortie)
    assert "du 01/09/2026 au 02/07/2027" in sortie.getvalue()
    assert "22 créée(s)" in sortie.getvalue()
    periodes = Periode.objects.count()
    jours = JourOuverture.objects.count()
    assert periodes == 22
    septembre = Periode.objects.get(activite=unite.activite, date_debut=date(2026, 9, 1))
    assert septembre.nom == "CANTINE SEPTEMBRE 2026, du 01/09/2026 au 30/09/2026"
    assert septembre.date_fin == date(2026, 9, 30)
    assert septembre.reservable_jusqu_au == datetime(2026, 8, 20, 23, 59, tzinfo=PARIS)
    juillet = Periode.objects.get(activite=unite.activite, date_debut=date(2027, 7, 1))
    assert juillet.date_fin == date(2027, 7, 2)
    # Ni les vacances de la Toussaint ni le 11 novembre.
    assert not JourOuverture.objects.filter(date__range=(date(2026, 10, 17), date(2026, 11, 1)))
    assert not JourOuverture.objects.filter(date=date(2026, 11, 11))
    assert JourOuverture.objects.filter(unite=unite, date=date(2026, 11, 2)).exists()

    sortie = StringIO()
    call_command("preparer_annee", "2026-2027", stdout=sortie)
    assert "0 créée(s), 22 déjà présente(s)" in sortie.getvalue()
    assert "0 jour(s) d'ouverture créé(s)" in sortie.getvalue()
    assert (Periode.objects.count(), JourOuverture.objects.count()) == (periodes, jours)


@pytest.mark.django_db
def test_preparer_annee_en_essai_n_enregistre_rien(configuration):
    cantine()
    sortie = StringIO()
    call_command("preparer_annee", "2026-2027", "--essai", stdout=sortie)
    assert "ESSAI" in sortie.getvalue()
    assert "11 créée(s)" in sortie.getvalue()
    assert not Periode.objects.exists()
    assert not JourOuverture.objects.exists()


@pytest.mark.django_db
def test_preparer_annee_refuse_une_annee_mal_ecrite(configuration):
    with pytest.raises(CommandError, match="2026-2027"):
        call_command("preparer_annee", "2026/27", stdout=StringIO())
    assert not Periode.objects.exists()
