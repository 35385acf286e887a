import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reservations.models import EtatReservation, Fermeture
from reservations.planning import planning_mois
from reservations.services import jours_ouverture_generer
from tests.factories import EnfantFactory, FamilleFactory, compte_de

from .factories_planning import (
    ActiviteFactory,
    InscriptionFactory,
    PeriodeFactory,
    ReservationFactory,
    UniteFactory,
    alsh_mercredi,
    cantine,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("le_16_novembre_2026")]

ETATS_NOVEMBRE = {
    date(2026, 11, 2): EtatReservation.PRESENT,
    date(2026, 11, 3): EtatReservation.ABSENT_EXCUSE,
    date(2026, 11, 5): EtatReservation.ABSENT_FACTURE,
    date(2026, 11, 19): EtatReservation.DEMANDEE,
    date(2026, 11, 20): EtatReservation.RESERVEE,
    date(2026, 11, 23): EtatReservation.REFUSEE,
    date(2026, 11, 24): EtatReservation.ABSENCE_DEMANDEE,
    date(2026, 11, 13): EtatReservation.RESERVEE,  # passé : plus d'absence possible
}


@pytest.fixture
def lise(famille):
    enfant = famille.enfants.get()
    unite = cantine(inscrit=enfant)
    for mois in (7, 10, 11, 12):
        debut = date(2026, mois, 1)
        fin = date(2026, mois, 31 if mois in (7, 10, 12) else 30)
        jours_ouverture_generer(
            periode=PeriodeFactory(activite=unite.activite, date_debut=debut, date_fin=fin)
        )
    for jour, etat in ETATS_NOVEMBRE.items():
        ReservationFactory(enfant=enfant, unite=unite, date=jour, etat=etat)
    Fermeture.objects.create(activite=unite.activite, date=date(2026, 11, 26), motif="Grève")
    return enfant


def _etats(planning, ligne=0):
    return {case.date: case.etat.code for case in planning.lignes[ligne].cases}


def test_etats_du_planning_de_novembre(lise):
    planning = planning_mois(enfant=lise, annee=2026, mois=11)
    etats = _etats(planning)
    for jour, etat in ETATS_NOVEMBRE.items():
        assert etats[jour] == etat, jour
    assert etats[date(2026, 11, 1)] == "ferie"
    assert etats[date(2026, 11, 11)] == "ferie"
    assert etats[date(2026, 11, 26)] == "fermeture"
    assert etats[date(2026, 11, 27)] == "ouvert"
    assert etats[date(2026, 11, 16)] == "ouvert"  # aujourd'hui
    assert etats[date(2026, 11, 12)] == "passe"
    assert etats[date(2026, 11, 25)] == "ferme"  # la cantine n'ouvre pas le mercredi
    assert etats[date(2026, 11, 28)] == "ferme"
    assert [ligne.libelle for ligne in planning.lignes] == ["CANTINE — Repas"]
    assert (planning.precedent, planning.suivant) == (date(2026, 10, 1), date(2026, 12, 1))


def test_petites_et_grandes_vacances(lise):
    octobre = _etats(planning_mois(enfant=lise, annee=2026, mois=10))
    assert octobre[date(2026, 10, 16)] == "passe"  # ouvert, mais passé
    assert octobre[date(2026, 10, 19)] == "petites_vacances"
    decembre = _etats(planning_mois(enfant=lise, annee=2026, mois=12))
    assert decembre[date(2026, 12, 21)] == "petites_vacances"
    assert decembre[date(2026, 12, 25)] == "ferie"
    juillet = _etats(planning_mois(enfant=lise, annee=2026, mois=7))
    assert juillet[date(2026, 7, 3)] == "passe"
    assert juillet[date(2026, 7, 10)] == "grandes_vacances"


def test_activite_ouverte_en_vacances_n_affiche_pas_les_vacances(lise):
    unite = UniteFactory(activite=ActiviteFactory(nom="ALSH VACANCES", ouverte_vacances=True))
    InscriptionFactory(enfant=lise, activite=unite.activite, date_debut=date(2026, 1, 1))
    jours_ouverture_generer(
        periode=PeriodeFactory(
            activite=unite.activite, date_debut=date(2026, 10, 19), date_fin=date(2026, 10, 30)
        )
    )
    planning = planning_mois(enfant=lise, annee=2026, mois=10)
    libelles = [ligne.libelle for ligne in planning.lignes]
    assert libelles == ["ALSH VACANCES — Repas", "CANTINE — Repas"]
    assert _etats(planning, 0)[date(2026, 10, 19)] == "passe"  # ouvert (et passé)
    assert _etats(planning, 1)[date(2026, 10, 19)] == "petites_vacances"


def test_page_planning_lisible_sans_couleur(client_parent, lise):
    url = reverse("reservations:planning_mois", args=[lise.pk, 2026, 11])
    reponse = client_parent.get(url)
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert "Planning de Lise — novembre 2026" in contenu
    assert 'data-date="2026-11-11" data-etat="ferie"' in contenu
    assert contenu.count('aria-current="date"') == 1
    assert re.search(r'aria-current="date">\s*<abbr title="lundi 16/11/2026', contenu)
    assert 'data-date="2026-11-24" data-etat="absence_demandee"' in contenu
    for libelle in (
        "Réservé",
        "Présent",
        "Absent excusé",
        "Absent facturé",
        "Demande en attente",
        "Réservation refusée",
        "Absence en cours de traitement",
        "Fermeture",
        "Jour férié",
        "Petites vacances",
        "Grandes vacances",
    ):
        assert libelle in contenu
    # Un jour réservé à venir mène à la déclaration d'absence, pas un jour passé.
    reservation_future = lise.reservations.get(date=date(2026, 11, 20))
    reservation_passee = lise.reservations.get(date=date(2026, 11, 13))
    assert reverse("reservations:absence_declarer", args=[reservation_future.pk]) in contenu
    assert reverse("reservations:absence_declarer", args=[reservation_passee.pk]) not in contenu
    # Un jour ouvert à venir mène à la page Réservations de la période, pour cet enfant.
    periode = lise.inscriptions.get().activite.periodes.get(date_debut=date(2026, 11, 1))
    lien = f"{reverse('reservations:reserver')}?periode={periode.pk}&amp;enfant={lise.pk}"
    assert contenu.count(lien) == 2  # le 27 et le 30 novembre
    assert reverse("reservations:planning_mois", args=[lise.pk, 2026, 10]) in contenu
    assert reverse("reservations:planning_mois", args=[lise.pk, 2026, 12]) in contenu


def test_la_grille_echappe_les_textes_de_la_mairie(client_parent, lise):
    """La grille (Jinja2) échappe chaque valeur, comme les gabarits de Django."""
    unite = lise.inscriptions.get().activite.unites.first()
    unite.activite.nom = 'Cantine <b class="x">&</b>'
    unite.activite.save()
    Fermeture.objects.create(
        activite=unite.activite, date=date(2026, 11, 30), motif='<script>alert("x")</script>'
    )
    contenu = client_parent.get(
        reverse("reservations:planning_mois", args=[lise.pk, 2026, 11])
    ).content.decode()
    assert "Cantine &lt;b class=&#34;x&#34;&gt;&amp;&lt;/b&gt;" in contenu
    assert "Fermeture (&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;)" in contenu
    assert "<b class" not in contenu and "<script>alert" not in contenu


def test_planning_redirige_vers_le_mois_courant(client_parent, lise):
    reponse = client_parent.get(reverse("reservations:planning"))
    assert reponse.url == reverse("reservations:planning_mois", args=[lise.pk, 2026, 11])


def test_menu_planning_sur_l_accueil(client_parent, lise):
    contenu = client_parent.get(reverse("portail:accueil")).content.decode()
    assert f'href="{reverse("reservations:planning")}">Planning<' in contenu


def test_enfant_d_une_autre_famille_404(client, autre_famille, lise):
    client.force_login(compte_de(autre_famille))
    url = reverse("reservations:planning_mois", args=[lise.pk, 2026, 11])
    assert client.get(url).status_code == 404


def test_mois_invalide_404(client_parent, lise):
    url = reverse("reservations:planning_mois", args=[lise.pk, 2026, 13])
    assert client_parent.get(url).status_code == 404


def test_un_agent_sans_famille_recoit_404(client_agent):
    assert client_agent.get(reverse("reservations:planning")).status_code == 404


def _grande_famille():
    famille = FamilleFactory(nom="NOMBREUSE")
    unites = [cantine(), alsh_mercredi()]
    garderie = ActiviteFactory(nom="GARDERIE", ordre=2)
    unites += [
        UniteFactory(activite=garderie, nom="Matin"),
        UniteFactory(activite=garderie, nom="Soir"),
    ]
    for unite in unites:
        jours_ouverture_generer(periode=PeriodeFactory(activite=unite.activite))
    enfants = [EnfantFactory(famille=famille) for _ in range(5)]
    etats = list(EtatReservation)
    for enfant in enfants:
        for activite in {u.activite for u in unites}:
            InscriptionFactory(enfant=enfant, activite=activite)
        for i, unite in enumerate(unites):
            for jour in range(1, 31):
                ReservationFactory(
                    enfant=enfant,
                    unite=unite,
                    date=date(2026, 11, jour),
                    etat=etats[(jour + i) % len(etats)],
                )
    Fermeture.objects.create(activite=unites[0].activite, date=date(2026, 11, 27))
    return famille, enfants[0]


def _requetes(client, enfant):
    url = reverse("reservations:planning_mois", args=[enfant.pk, 2026, 11])
    client.get(url)  # configuration en cache, session chargée
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
    assert reponse.status_code == 200
    return len(requetes)


def test_nombre_de_requetes_fixe_quelle_que_soit_la_famille(client, famille, lise):
    client.force_login(compte_de(famille))
    petite = _requetes(client, lise)
    grande_famille, enfant = _grande_famille()
    client.force_login(compte_de(grande_famille))
    grande = _requetes(client, enfant)
    assert petite == grande
    assert grande <= 12, grande


def test_un_jour_reserve_hors_des_inscriptions_du_mois_garde_sa_ligne(lise):
    """Inscription close avant le mois ou activité désactivée : le jour réservé reste visible."""
    garderie = UniteFactory(activite=ActiviteFactory(nom="GARDERIE"), nom="Matin")
    InscriptionFactory(
        enfant=lise,
        activite=garderie.activite,
        date_debut=date(2026, 1, 1),
        date_fin=date(2026, 10, 31),
    )
    ReservationFactory(enfant=lise, unite=garderie, date=date(2026, 11, 20))
    ancienne = UniteFactory(activite=ActiviteFactory(nom="ALSH", actif=False), nom="Journée")
    InscriptionFactory(enfant=lise, activite=ancienne.activite, date_debut=date(2026, 1, 1))
    planning = planning_mois(enfant=lise, annee=2026, mois=11)
    lignes = {ligne.libelle: ligne for ligne in planning.lignes}
    assert sorted(lignes) == ["CANTINE — Repas", "GARDERIE — Matin"]
    garde = {case.date: case.etat.code for case in lignes["GARDERIE — Matin"].cases}
    assert garde[date(2026, 11, 20)] == "reservee"


def test_les_absences_du_mois_sont_celles_du_foyer(lise, django_assert_num_queries):
    from reservations.models import Reservation
    from reservations.services import absence_declarer

    reservation = Reservation.objects.get(enfant=lise, date=date(2026, 11, 20))
    absence = absence_declarer(reservation=reservation, motif="famille", commentaire="Mariage")
    planning = planning_mois(enfant=lise, annee=2026, mois=11, foyer_id=lise.famille_id)
    assert planning.absences == [absence]
    with django_assert_num_queries(0):  # la réservation et son unité sont déjà lues
        lue = planning.absences[0]
        assert (lue.reservation.date, lue.reservation.unite.activite.nom) == (
            date(2026, 11, 20),
            "CANTINE",
        )
        assert lue.demande.en_attente
    autre_foyer = FamilleFactory()
    assert planning_mois(enfant=lise, annee=2026, mois=11, foyer_id=autre_foyer.pk).absences == []
    assert planning_mois(enfant=lise, annee=2026, mois=12).absences == []


def test_unites_de_la_commune_gardees_jusqu_au_prochain_enregistrement(lise):
    """Les unités et leurs activités sont lues une fois par processus : une unité renommée,
    une activité désactivée ou une unité ajoutée dans l'admin comptent dès le planning
    suivant."""
    planning = planning_mois(enfant=lise, annee=2026, mois=11)
    assert [ligne.libelle for ligne in planning.lignes] == ["CANTINE — Repas"]
    unite = planning.lignes[0].unite
    unite.nom = "Repas du midi"
    unite.save()
    planning = planning_mois(enfant=lise, annee=2026, mois=11)
    assert [ligne.libelle for ligne in planning.lignes] == ["CANTINE — Repas du midi"]
    garderie = UniteFactory(activite=ActiviteFactory(nom="GARDERIE"), nom="Soir")
    InscriptionFactory(enfant=lise, activite=garderie.activite, date_debut=date(2026, 9, 1))
    planning = planning_mois(enfant=lise, annee=2026, mois=11)
    assert sorted(ligne.libelle for ligne in planning.lignes) == [
        "CANTINE — Repas du midi",
        "GARDERIE — Soir",
    ]
    garderie.activite.actif = False
    garderie.activite.save()
    planning = planning_mois(enfant=lise, annee=2026, mois=11)
    assert [ligne.libelle for ligne in planning.lignes] == ["CANTINE — Repas du midi"]


def _case(planning, jour):
    return next(case for case in planning.lignes[0].cases if case.date == jour)


def test_periodes_et_fermetures_gardees_jusqu_au_prochain_enregistrement(lise):
    """Les périodes et les fermetures d'un mois sont lues une fois par processus : une
    fermeture ajoutée, supprimée, ou une période close dans l'admin comptent dès le planning
    suivant."""
    le_27 = date(2026, 11, 27)
    case = _case(planning_mois(enfant=lise, annee=2026, mois=11), le_27)
    assert case.etat.code == "ouvert" and "periode=" in case.url
    fermeture = Fermeture.objects.create(activite=None, date=le_27, motif="Pont")
    case = _case(planning_mois(enfant=lise, annee=2026, mois=11), le_27)
    assert (case.etat.code, case.titre, case.url) == ("fermeture", "Fermeture (Pont)", "")
    fermeture.delete()
    periode = lise.inscriptions.get().activite.periodes.get(date_debut=date(2026, 11, 1))
    periode.reservable_jusqu_au = timezone.now() - timedelta(hours=1)
    periode.save()
    case = _case(planning_mois(enfant=lise, annee=2026, mois=11), le_27)
    assert (case.etat.code, case.url) == ("ouvert", "")  # plus de lien : période close


def test_les_absences_ne_sont_lues_que_s_il_y_en_a(lise):
    from reservations.models import Reservation
    from reservations.services import absence_declarer

    planning_mois(enfant=lise, annee=2026, mois=11)  # données de la commune en mémoire
    with CaptureQueriesContext(connection) as sans:
        assert planning_mois(enfant=lise, annee=2026, mois=11).absences == []
    reservation = Reservation.objects.get(enfant=lise, date=date(2026, 11, 20))
    absence = absence_declarer(reservation=reservation, motif="famille", commentaire="")
    with CaptureQueriesContext(connection) as avec:
        assert planning_mois(enfant=lise, annee=2026, mois=11).absences == [absence]
    assert len(avec) == len(sans) + 1


def test_les_textes_ecrits_tels_quels_par_la_grille_n_ont_aucun_caractere_special(lise):
    """La grille écrit sans les échapper les états, les dates et les jours abrégés
    (templates/reservations/planning_grille.jinja) : aucun ne doit pouvoir changer le HTML."""
    from reservations import planning as module
    from reservations.planning import JOURS_COURTS, LEGENDE, MENU_ABSENCE, MENU_RESERVER, Etat

    etats = [v for v in vars(module).values() if isinstance(v, Etat)]
    assert set(LEGENDE) <= set(etats) and len(etats) > len(LEGENDE)
    planning = planning_mois(enfant=lise, annee=2026, mois=11)
    textes = [t for e in etats for t in (e.code, e.symbole, e.libelle)]
    textes += [*JOURS_COURTS, MENU_ABSENCE, MENU_RESERVER]
    textes += [c.iso for ligne in planning.lignes for c in ligne.cases]
    textes += [c.menu for ligne in planning.lignes for c in ligne.cases]
    textes += [t for j in planning.entetes for t in (j.court, j.classes)]
    for texte in textes:
        assert not set(texte) & set('<>&"'), texte
