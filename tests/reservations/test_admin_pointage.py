import html
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reservations.models import EtatReservation, JourOuverture
from reservations.services import jours_ouverture_generer, pointage_enregistrer
from tests.factories import EnfantFactory

from .factories_planning import PeriodeFactory, ReservationFactory, UniteFactory, cantine

pytestmark = pytest.mark.django_db
JOUR = date(2026, 11, 20)


@pytest.fixture
def repas():
    return cantine()


@pytest.fixture
def reservations_du_jour(famille, autre_famille, repas):
    lise = famille.enfants.get()
    hugo = autre_famille.enfants.get()
    zoe = EnfantFactory(famille=famille, prenom="Zoé", nom="DUPONT")
    return {
        "lise": ReservationFactory(enfant=lise, unite=repas, date=JOUR),
        "hugo": ReservationFactory(enfant=hugo, unite=repas, date=JOUR),
        "zoe": ReservationFactory(
            enfant=zoe, unite=repas, date=JOUR, etat=EtatReservation.ABSENCE_DEMANDEE
        ),
        "autre_jour": ReservationFactory(enfant=lise, unite=repas, date=date(2026, 11, 19)),
        "demandee": ReservationFactory(
            enfant=EnfantFactory(famille=famille, prenom="Paul"),
            unite=repas,
            date=JOUR,
            etat=EtatReservation.DEMANDEE,
        ),
    }


def _url(unite, jour=JOUR):
    return f"{reverse('admin:reservations_pointage')}?unite={unite.pk}&jour={jour:%Y-%m-%d}"


def test_liste_de_pointage_du_jour(client_agent, repas, reservations_du_jour):
    reponse = client_agent.get(_url(repas))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "vendredi 20/11/2026" in contenu
    assert "DUPONT Lise" in contenu
    assert "MARTIN Hugo" in contenu
    assert "Absence en cours de traitement" in contenu
    assert f'name="etat_{reservations_du_jour["lise"].pk}"' in contenu
    # Ni l'autre jour, ni la demande pas encore validée, ni l'absence en cours.
    assert f'name="etat_{reservations_du_jour["autre_jour"].pk}"' not in contenu
    assert "Paul" not in contenu
    assert f'name="etat_{reservations_du_jour["zoe"].pk}"' not in contenu


def test_pointer_present_et_absent(client_agent, repas, reservations_du_jour):
    lise, hugo = reservations_du_jour["lise"], reservations_du_jour["hugo"]
    reponse = client_agent.post(
        _url(repas),
        {f"etat_{lise.pk}": "present", f"etat_{hugo.pk}": "absent_facture"},
    )
    assert reponse.status_code == 302
    lise.refresh_from_db()
    hugo.refresh_from_db()
    assert (lise.etat, hugo.etat) == (EtatReservation.PRESENT, EtatReservation.ABSENT_FACTURE)
    suite = client_agent.get(reponse.url).content.decode()
    assert "Pointage enregistré : 2 changement(s)." in suite
    # L'historique garde qui a pointé.
    assert lise.history.first().history_user.username == "admin-test"


def test_tous_presents(client_agent, repas, reservations_du_jour):
    malade = ReservationFactory(
        enfant=EnfantFactory(prenom="Léo"),
        unite=repas,
        date=JOUR,
        etat=EtatReservation.ABSENT_EXCUSE,
    )
    client_agent.post(_url(repas), {"tous_presents": "Tous présents"})
    for cle in ("lise", "hugo"):
        reservations_du_jour[cle].refresh_from_db()
        assert reservations_du_jour[cle].etat == EtatReservation.PRESENT
    # Un absent déjà noté reste absent ; ce qui n'est pas pointable ne bouge pas.
    malade.refresh_from_db()
    assert malade.etat == EtatReservation.ABSENT_EXCUSE
    for cle, etat in (
        ("zoe", EtatReservation.ABSENCE_DEMANDEE),
        ("demandee", EtatReservation.DEMANDEE),
        ("autre_jour", EtatReservation.RESERVEE),
    ):
        reservations_du_jour[cle].refresh_from_db()
        assert reservations_du_jour[cle].etat == etat


def test_post_trafique_ne_change_rien(client_agent, repas, reservations_du_jour):
    lise, autre_jour = reservations_du_jour["lise"], reservations_du_jour["autre_jour"]
    reponse = client_agent.post(
        _url(repas),
        {f"etat_{lise.pk}": "present", f"etat_{autre_jour.pk}": "present"},
        follow=True,
    )
    assert "Le pointage ne concerne que les réservations de CANTINE — Repas le 20/11/2026" in (
        reponse.content.decode()
    )
    lise.refresh_from_db()
    autre_jour.refresh_from_db()
    assert lise.etat == autre_jour.etat == EtatReservation.RESERVEE

    reponse = client_agent.post(_url(repas), {f"etat_{lise.pk}": "refusee"}, follow=True)
    assert "État de pointage inconnu" in reponse.content.decode()
    lise.refresh_from_db()
    assert lise.etat == EtatReservation.RESERVEE


def test_service_refuse_une_absence_en_cours_et_annule_tout(repas, reservations_du_jour):
    lise, zoe = reservations_du_jour["lise"], reservations_du_jour["zoe"]
    with pytest.raises(ValidationError, match="ne se pointe pas"):
        pointage_enregistrer(
            unite=repas, jour=JOUR, etats={lise.pk: "present", zoe.pk: "absent_excuse"}
        )
    lise.refresh_from_db()
    assert lise.etat == EtatReservation.RESERVEE


def test_service_refuse_une_autre_unite(repas, reservations_du_jour):
    autre = UniteFactory(activite=repas.activite, nom="Goûter")
    with pytest.raises(ValidationError):
        pointage_enregistrer(
            unite=autre, jour=JOUR, etats={reservations_du_jour["lise"].pk: "present"}
        )


def test_pointage_reserve_aux_agents(client_parent, repas):
    reponse = client_parent.get(_url(repas))
    assert reponse.status_code == 302
    assert "/admin/login/" in reponse.url


def test_lien_depuis_la_liste_des_reservations(client_agent):
    contenu = client_agent.get(reverse("admin:reservations_reservation_changelist")).content
    assert reverse("admin:reservations_pointage").encode() in contenu
    assert reverse("admin:reservations_effectifs").encode() in contenu


def test_action_generer_les_jours_d_ouverture(client_agent, configuration, repas):
    periode = PeriodeFactory(activite=repas.activite)
    url = reverse("admin:reservations_periode_changelist")
    reponse = client_agent.post(
        url,
        {"action": "generer_jours_ouverture", "_selected_action": [periode.pk]},
        follow=True,
    )
    # Novembre 2026 : 17 jours lundi/mardi/jeudi/vendredi, pas de férié ces jours-là.
    assert "17 jour(s) d'ouverture créé(s)" in html.unescape(reponse.content.decode())
    assert JourOuverture.objects.filter(unite=repas).count() == 17


@pytest.mark.parametrize(
    "modele",
    ["activite", "periode", "fermeture", "inscription", "reservation", "absence", "jourouverture"],
)
def test_pages_d_administration(client_agent, reservations_du_jour, modele):
    reponse = client_agent.get(reverse(f"admin:reservations_{modele}_changelist"))
    assert reponse.status_code == 200
    ajout = client_agent.get(reverse(f"admin:reservations_{modele}_add"))
    assert ajout.status_code == (403 if modele == "absence" else 200)


def test_recherche_et_filtres_des_reservations(client_agent, repas, reservations_du_jour):
    url = reverse("admin:reservations_reservation_changelist")
    contenu = client_agent.get(url, {"q": "MARTIN"}).content.decode()
    assert "MARTIN Hugo" in contenu or "Hugo MARTIN" in contenu
    assert "Lise" not in contenu.split("result_list")[-1]
    reponse = client_agent.get(url, {"etat": "absence_demandee"})
    assert "Zoé" in reponse.content.decode()


def test_unites_incompatibles_de_la_meme_activite(client_agent, repas):
    autre = UniteFactory(nom="Matin")  # une autre activité
    voisine = UniteFactory(activite=repas.activite, nom="Goûter")
    url = reverse("admin:reservations_activite_change", args=[repas.activite_id])
    contenu = client_agent.get(url).content.decode()
    assert f'<option value="{voisine.pk}">' in contenu
    assert f'<option value="{autre.pk}">' not in contenu
    for jour in ("lundi", "mercredi", "dimanche"):
        assert f'name="unites-0-{jour}"' in contenu


def test_une_fermeture_saisie_retire_le_jour_des_periodes(client_agent, configuration, repas):
    periode = PeriodeFactory(activite=repas.activite)
    jours_ouverture_generer(periode=periode)
    assert JourOuverture.objects.filter(unite=repas, date=JOUR).exists()
    reponse = client_agent.post(
        reverse("admin:reservations_fermeture_add"),
        {"activite": repas.activite_id, "date": "20/11/2026", "motif": "Grève"},
        follow=True,
    )
    assert "1 retiré(s)" in html.unescape(reponse.content.decode())
    assert not JourOuverture.objects.filter(unite=repas, date=JOUR).exists()
    assert JourOuverture.objects.filter(unite=repas).count() == 16


def test_fiche_d_une_reservation(client_agent, reservations_du_jour):
    lise = reservations_du_jour["lise"]
    reponse = client_agent.get(reverse("admin:reservations_reservation_change", args=[lise.pk]))
    assert reponse.status_code == 200
    assert 'name="demande"' not in reponse.content.decode()  # en lecture seule
