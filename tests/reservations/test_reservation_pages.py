"""Pages « Réservations » : choix, grille, semaine-type, récapitulatif, envoi, impression,
frontière de la famille, POST trafiqués et nombre de requêtes."""

import io
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from demandes.models import Demande
from portail.noyau.configuration import vider_cache_configuration
from reservations.models import EtatReservation, Fermeture, Reservation
from reservations.regles import Choix
from tests.factories import EnfantFactory, compte_de

from .factories import InscriptionFactory, PeriodeFactory

pytestmark = pytest.mark.usefixtures("jeudi_5_novembre")


def _url(periode, *enfants):
    parametres = "&".join(f"enfant={e.pk}" for e in enfants)
    return f"{reverse('reservations:reserver')}?periode={periode.pk}&{parametres}"


def _cle(enfant, unite, jour):
    return Choix(enfant.pk, unite.pk, jour).cle


def _texte(reponse):
    return reponse.content.decode()


def test_page_reservations_liste_enfants_et_periodes(client_parent, cantine):
    reponse = client_parent.get(reverse("reservations:index"))
    assert reponse.status_code == 200
    texte = _texte(reponse)
    assert "Lise DUPONT" in texte
    assert "CANTINE NOVEMBRE 2026, du 01/11/2026 au 30/11/2026" in texte
    assert 'href="/reservations/"' in texte  # l'entrée de menu


def test_reservations_coupees_par_la_commune(client_parent, cantine, configuration):
    configuration.reservations_actives = False
    configuration.save()
    vider_cache_configuration()
    assert client_parent.get(reverse("reservations:index")).status_code == 404
    assert client_parent.get(_url(cantine.periode)).status_code == 404
    assert 'href="/reservations/"' not in _texte(client_parent.get(reverse("portail:accueil")))


def test_enfant_d_une_autre_famille_404(client_parent, cantine, autre_famille):
    hugo = autre_famille.enfants.get()
    assert client_parent.get(_url(cantine.periode, hugo)).status_code == 404
    imprimer = f"{reverse('reservations:imprimer')}?periode={cantine.periode.pk}&enfant={hugo.pk}"
    assert client_parent.get(imprimer).status_code == 404
    reponse = client_parent.post(
        _url(cantine.periode, hugo),
        {"action": "valider", "c": [_cle(hugo, cantine.repas, date(2026, 11, 9))]},
    )
    assert reponse.status_code == 404
    assert not Reservation.objects.exists()


def test_periode_inconnue_ou_masquee_404(client_parent, cantine):
    assert (
        client_parent.get(f"{reverse('reservations:reserver')}?periode=999999").status_code == 404
    )
    assert client_parent.get(f"{reverse('reservations:reserver')}?periode=abc").status_code == 404
    cantine.periode.affichee_au = date(2026, 10, 1)
    cantine.periode.save()
    assert client_parent.get(_url(cantine.periode)).status_code == 404


def test_agent_sans_famille_404(client_agent, cantine):
    assert client_agent.get(reverse("reservations:index")).status_code == 404


def test_grille_montre_les_raisons_et_les_jours_valides(client_parent, famille, cantine):
    lise = famille.enfants.get()
    Fermeture.objects.create(date=date(2026, 11, 27), motif="Grève")
    for jour, etat in [(2, "reservee"), (16, "reservee"), (17, "demandee"), (19, "refusee")]:
        Reservation.objects.create(
            enfant=lise,
            famille=lise.famille,
            unite=cantine.repas,
            date=date(2026, 11, jour),
            etat=etat,
        )
    texte = _texte(client_parent.get(_url(cantine.periode, lise)))
    assert "Lundi 2 novembre 2026" in texte
    assert "✓ Réservé — jour passé" in texte
    assert "Jour passé" in texte  # 03/11
    assert "Délai dépassé" in texte  # 09/11 : moins de 7 jours
    assert "Fermé (Grève)" in texte
    assert "Demande en attente" in texte
    assert "✗ Réservation refusée" in texte
    cle = _cle(lise, cantine.repas, date(2026, 11, 16))
    assert f'value="{cle}" id="c-{cle}" checked>' in texte  # réservé, modifiable
    assert f'name="affiche" value="{cle}"' in texte
    for jour in (3, 9, 27):
        cle = _cle(lise, cantine.repas, date(2026, 11, jour))
        assert f'value="{cle}" id="c-{cle}" disabled>' in texte
    cle = _cle(lise, cantine.repas, date(2026, 11, 12))  # 7 jours avant : encore possible
    assert f'value="{cle}" id="c-{cle}">' in texte


def test_grille_jour_complet(client_parent, famille, alsh, autre_famille):
    hugo = autre_famille.enfants.get()
    Reservation.objects.create(
        enfant=hugo,
        famille=hugo.famille,
        unite=alsh.journee,
        date=date(2026, 11, 18),
        etat=EtatReservation.RESERVEE,
    )
    texte = _texte(client_parent.get(_url(alsh.periode)))
    assert "Complet" in texte
    assert "Hugo" not in texte


def test_semaine_type_sur_une_periode_avec_ferie_et_fermeture(client_parent, famille, alsh):
    lise = famille.enfants.get()
    Fermeture.objects.create(date=date(2026, 11, 25), activite=alsh.periode.activite, motif="")
    reponse = client_parent.post(
        _url(alsh.periode, lise), {"action": "semaine_type", "st": [f"2-{alsh.journee.pk}"]}
    )
    assert reponse.status_code == 200
    texte = _texte(reponse)
    coches = {c.cle for c in reponse.context["grille"].cases_a_cocher() if c.cochee}
    # Le 04/11 est passé, le 11/11 férié (pas de jour ouvert), le 25/11 fermé : reste le 18.
    assert coches == {_cle(lise, alsh.journee, date(2026, 11, 18))}
    assert "Fermé" in texte and "Jour passé" in texte
    assert "11 novembre" not in texte
    assert not Reservation.objects.exists()


def test_semaine_type_pour_plusieurs_enfants(client_parent, famille, cantine):
    lise = famille.enfants.get()
    tom = EnfantFactory(famille=famille, prenom="Tom")
    InscriptionFactory(enfant=tom, activite=cantine.periode.activite)
    reponse = client_parent.post(
        _url(cantine.periode, lise, tom),
        {"action": "semaine_type", "st": [f"0-{cantine.repas.pk}", f"3-{cantine.repas.pk}"]},
    )
    grille = reponse.context["grille"]
    for grille_enfant in grille.enfants:
        jours = [c.jour for ligne in grille_enfant.lignes for c in ligne.cases_a_cocher if c.cochee]
        # Lundis et jeudis à 7 jours ou plus : 12, 16, 19, 23, 26, 30.
        assert [j.day for j in jours] == [12, 16, 19, 23, 26, 30]


def test_recapitulatif_puis_valider(client_parent, famille, cantine):
    lise = famille.enfants.get()
    cles = [_cle(lise, cantine.repas, date(2026, 11, d)) for d in (12, 13)]
    affichees = [_cle(lise, cantine.repas, date(2026, 11, d)) for d in (12, 13, 16)]
    reponse = client_parent.post(_url(cantine.periode, lise), {"action": "envoyer", "c": cles})
    texte = _texte(reponse)
    assert "Votre demande de réservations est prête à être envoyée." in texte
    assert "Ajout de la réservation du 12/11/2026 (Repas)" in texte
    assert "Ajout de la réservation du 13/11/2026 (Repas)" in texte
    assert not Demande.objects.exists()
    reponse = client_parent.post(
        _url(cantine.periode, lise),
        {"action": "valider", "c": cles, "affiche": affichees, "commentaire": "Merci"},
    )
    assert reponse.status_code == 302
    demande = Demande.objects.get()
    assert demande.resume == (
        "Réservations Cantine pour Lise sur la période du 01/11/2026 au 30/11/2026 (2 ajouts)"
    )
    assert demande.commentaire == "Merci"
    assert demande.cree_par == compte_de(famille)
    suite = client_parent.get(reponse["Location"])
    assert "Votre demande de réservations est envoyée" in _texte(suite)
    assert _texte(suite).count("Demande en attente</label>") == 2


def test_decocher_un_jour_reserve_demande_sa_suppression(client_parent, famille, cantine):
    lise = famille.enfants.get()
    Reservation.objects.create(
        enfant=lise,
        famille=lise.famille,
        unite=cantine.repas,
        date=date(2026, 11, 16),
        etat=EtatReservation.RESERVEE,
    )
    cle = _cle(lise, cantine.repas, date(2026, 11, 16))
    reponse = client_parent.post(
        _url(cantine.periode, lise), {"action": "envoyer", "c": [], "affiche": [cle]}
    )
    assert "Suppression de la réservation du 16/11/2026 (Repas)" in _texte(reponse)


@pytest.mark.parametrize(
    ("donnees", "message"),
    [
        # Un jour passé (grisé) coché à la main.
        (
            {"c": ["{lise}-{repas}-20261103"]},
            "Impossible de réserver le 03/11/2026 (Repas) : jour passé.",
        ),
        # Un jour sans accueil (mercredi).
        (
            {"c": ["{lise}-{repas}-20261111"]},
            "Un des jours envoyés n&#x27;existe pas dans cette grille",
        ),
        # Une case d'un autre enfant.
        (
            {"c": ["{hugo}-{repas}-20261110"]},
            "Un des jours envoyés n&#x27;existe pas dans cette grille",
        ),
        # Une case illisible.
        ({"c": ["n-importe-quoi"]}, "Un des jours envoyés n&#x27;existe pas dans cette grille"),
        # Supprimer une réservation passée en la déclarant « affichée ».
        (
            {"c": [], "affiche": ["{lise}-{repas}-20261102"]},
            "Impossible de supprimer le 02/11/2026 (Repas) : jour passé.",
        ),
        # Une action inconnue.
        ({"action": "tout_casser"}, "Sélectionnez un choix valide"),
    ],
)
@pytest.mark.parametrize("action", ["envoyer", "valider"])
def test_post_trafique_refuse_en_francais_sans_rien_enregistrer(
    client_parent, famille, autre_famille, cantine, donnees, message, action
):
    lise = famille.enfants.get()
    hugo = autre_famille.enfants.get()
    Reservation.objects.create(
        enfant=lise,
        famille=lise.famille,
        unite=cantine.repas,
        date=date(2026, 11, 2),
        etat=EtatReservation.RESERVEE,
    )
    valeurs = {"lise": lise.pk, "hugo": hugo.pk, "repas": cantine.repas.pk}
    envoi = {"action": action}
    for champ, valeur in donnees.items():
        envoi[champ] = valeur if isinstance(valeur, str) else [v.format(**valeurs) for v in valeur]
    reponse = client_parent.post(_url(cantine.periode, lise), envoi)
    assert reponse.status_code == 200
    assert message in _texte(reponse)
    assert "Votre demande n'a pas été enregistrée" in _texte(reponse)
    assert Reservation.objects.count() == 1 and not Demande.objects.exists()


def test_post_au_dela_de_la_capacite(client_parent, famille, autre_famille, alsh):
    lise = famille.enfants.get()
    hugo = autre_famille.enfants.get()
    Reservation.objects.create(
        enfant=hugo,
        famille=hugo.famille,
        unite=alsh.journee,
        date=date(2026, 11, 18),
        etat=EtatReservation.DEMANDEE,
    )
    reponse = client_parent.post(
        _url(alsh.periode, lise),
        {"action": "valider", "c": [_cle(lise, alsh.journee, date(2026, 11, 18))]},
    )
    assert "Plus de place le 18/11/2026 (Journée) : complet." in _texte(reponse)
    assert Reservation.objects.count() == 1 and not Demande.objects.exists()


def test_imprimer_donne_un_pdf_lisible(client_parent, famille, cantine):
    lise = famille.enfants.get()
    Reservation.objects.create(
        enfant=lise,
        famille=lise.famille,
        unite=cantine.repas,
        date=date(2026, 11, 16),
        etat=EtatReservation.RESERVEE,
    )
    reponse = client_parent.get(
        f"{reverse('reservations:imprimer')}?periode={cantine.periode.pk}&enfant={lise.pk}"
    )
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse["Cache-Control"] == "private, no-store"
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.content)).pages)
    assert "Lise DUPONT" in texte
    assert "CANTINE NOVEMBRE 2026" in texte
    assert "du 01/11/2026 au 30/11/2026" in texte
    assert "Lundi 16 novembre 2026" in texte
    assert "✓ Réservé" in texte or "Réservé" in texte
    assert "Non réservé" in texte


def _grande_famille(famille, periode, unite, n_enfants):
    enfants = [EnfantFactory(famille=famille, prenom=f"Enfant{i}") for i in range(n_enfants)]
    for enfant in enfants:
        InscriptionFactory(enfant=enfant, activite=periode.activite)
        Reservation.objects.bulk_create(
            Reservation(
                enfant=enfant,
                famille=enfant.famille,
                unite=unite,
                date=jour,
                etat=EtatReservation.RESERVEE,
            )
            for jour in (date(2026, 11, d) for d in (2, 3, 5, 6, 9, 10, 12, 13))
        )
    return enfants


def test_nombre_de_requetes_fixe(client_parent, famille, alsh, django_assert_max_num_queries):
    lise = famille.enfants.get()
    client_parent.get(_url(alsh.periode, lise))  # caches (configuration, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as petite:
        assert client_parent.get(_url(alsh.periode, lise)).status_code == 200
    nombre = len(petite.captured_queries)
    # Une grande famille, trois mois de jours d'ouverture de plus et un long historique.
    periode = PeriodeFactory(
        activite=alsh.periode.activite,
        date_debut=date(2026, 11, 1),
        date_fin=date(2027, 1, 31),
        nom="ALSH LONGUE",
    )
    from .factories import ouvrir

    for unite in (alsh.journee, alsh.matin, alsh.apres_midi):
        ouvrir(unite, date(2026, 12, 1), date(2027, 1, 31), (0, 1, 2, 3, 4))
    enfants = _grande_famille(famille, periode, alsh.matin, 6)
    # Une période créée : les données de la commune gardées en mémoire sont relues une fois.
    client_parent.get(_url(periode, lise, *enfants))
    with django_assert_max_num_queries(nombre):
        reponse = client_parent.get(_url(periode, lise, *enfants))
    assert reponse.status_code == 200
    assert len(reponse.context["grille"].enfants) == 7
    with django_assert_max_num_queries(nombre + 1):
        assert client_parent.get(reverse("reservations:index")).status_code == 200


def test_enfant_non_inscrit_signale(client_parent, famille, cantine):
    tom = EnfantFactory(famille=famille, prenom="Tom")
    texte = _texte(client_parent.get(_url(cantine.periode, tom)))
    assert "Tom n'est pas inscrit à CANTINE" in texte
    assert 'name="c"' not in texte


def test_periode_fermee_en_lecture_seule(client_parent, famille, cantine):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    cantine.periode.reservable_jusqu_au = datetime(
        2026, 11, 1, 23, 59, tzinfo=ZoneInfo("Europe/Paris")
    )
    cantine.periode.save()
    lise = famille.enfants.get()
    texte = _texte(client_parent.get(_url(cantine.periode, lise)))
    assert "Les réservations sont fermées pour cette période depuis le 01/11/2026 à 23:59" in texte
    assert "Envoyer la demande" not in texte
    reponse = client_parent.post(
        _url(cantine.periode, lise),
        {"action": "valider", "c": [_cle(lise, cantine.repas, date(2026, 11, 20))]},
    )
    assert "Impossible de réserver le 20/11/2026 (Repas) : réservations fermées." in _texte(reponse)
    assert not Reservation.objects.exists()


def test_validation_automatique_depuis_la_page(client_parent, famille, garderie):
    periode, matin, soir = garderie
    lise = famille.enfants.get()
    reponse = client_parent.post(
        _url(periode, lise),
        {
            "action": "valider",
            "c": [_cle(lise, matin, date(2026, 11, 9)), _cle(lise, soir, date(2026, 11, 9))],
        },
        follow=True,
    )
    texte = _texte(reponse)
    assert (
        "Réservations Garderie pour Lise sur la période du 01/11/2026 au 30/11/2026 (2 ajouts) : "
        "2 réservations validées (traitement automatique)." in texte
    )
    assert texte.count("✓ Réservé</label>") == 2


def test_recapitulatif_en_nombre_de_requetes_fixe(
    client_parent, famille, cantine, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lise = famille.enfants.get()
    envoi = {"action": "envoyer", "c": [_cle(lise, cantine.repas, date(2026, 11, 12))]}
    client_parent.post(_url(cantine.periode, lise), envoi)
    with CaptureQueriesContext(connection) as petite:
        assert client_parent.post(_url(cantine.periode, lise), envoi).status_code == 200
    enfants = _grande_famille(famille, cantine.periode, cantine.repas, 6)
    jours = [date(2026, 11, d) for d in (12, 13, 16, 17, 19, 20, 23, 24, 26, 27, 30)]
    envoi = {
        "action": "envoyer",
        "c": [_cle(e, cantine.repas, j) for e in [lise, *enfants] for j in jours],
    }
    with django_assert_max_num_queries(len(petite.captured_queries)):
        reponse = client_parent.post(_url(cantine.periode, lise, *enfants), envoi)
    assert len(reponse.context["recap"]) == 7


def test_double_clic_sur_valider_une_seule_demande(client_parent, famille, cantine):
    lise = famille.enfants.get()
    envoi = {"action": "valider", "c": [_cle(lise, cantine.repas, date(2026, 11, 12))]}
    assert client_parent.post(_url(cantine.periode, lise), envoi).status_code == 302
    reponse = client_parent.post(_url(cantine.periode, lise), envoi)
    assert "Vous n&#x27;avez rien modifié" in _texte(reponse)
    assert Demande.objects.count() == 1 and Reservation.objects.count() == 1


def test_suppression_en_attente_visible_dans_la_grille(client_parent, famille, cantine):
    lise = famille.enfants.get()
    Reservation.objects.create(
        enfant=lise,
        famille=lise.famille,
        unite=cantine.repas,
        date=date(2026, 11, 16),
        etat=EtatReservation.RESERVEE,
    )
    cle = _cle(lise, cantine.repas, date(2026, 11, 16))
    reponse = client_parent.post(
        _url(cantine.periode, lise), {"action": "valider", "affiche": [cle]}, follow=True
    )
    texte = _texte(reponse)
    assert "Suppression en attente" in texte
    assert f'value="{cle}" id="c-{cle}" checked disabled>' in texte
    assert Demande.objects.get().resume.endswith("(1 suppression)")


def test_aucun_enfant_inscrit(client_parent, famille, cantine):
    from reservations.models import Inscription

    Inscription.objects.all().delete()
    texte = _texte(client_parent.get(_url(cantine.periode)))
    assert "Aucun de vos enfants n'est inscrit à CANTINE" in texte
