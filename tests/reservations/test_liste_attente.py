"""Liste d'attente : inscription dans la demande, rang, attribution de la place libérée
(annulation, refus, capacité augmentée), clôture dans le délai, POST trafiqué."""

from html import unescape

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter, demande_annuler, demande_refuser
from reservations.models import EtatReservation, JourOuverture, Reservation
from reservations.regles import Choix
from reservations.selectors import charger_contexte, grille_periode
from reservations.services import (
    attente_apres_capacite,
    reservation_demander,
    reservations_retirer,
)
from reservations.tasks import fermer_listes_attente
from tests.factories import compte_de

from .attente_outils import MERCREDI, attente_de, inscrire_attente, reserver, troisieme_famille
from .conftest import a_paris

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lundi_26_octobre")]


def _url(alsh, famille):
    enfant = famille.enfants.get()
    return f"{reverse('reservations:reserver')}?periode={alsh.periode.pk}&enfant={enfant.pk}"


def test_jour_complet_propose_la_liste_d_attente_et_le_rang(
    client_parent, famille, autre_famille, alsh
):
    reserver(autre_famille, alsh)
    url = _url(alsh, famille)
    cle = Choix(famille.enfants.get().pk, alsh.journee.pk, MERCREDI).cle
    page = unescape(client_parent.get(url).content.decode())
    assert f'name="a" value="{cle}"' in page
    assert "Liste d'attente" in page

    bernard = troisieme_famille(alsh)
    inscrire_attente(bernard, alsh)
    reponse = client_parent.post(url, {"c": [], "a": [cle], "action": "valider", "commentaire": ""})
    assert reponse.status_code == 302
    demande = Demande.objects.filter(famille=famille).get()
    assert [ligne.libelle for ligne in demande.lignes.all()] == [
        "Inscription sur liste d'attente du 18/11/2026 (Journée)"
    ]
    lise = attente_de(famille, alsh)
    assert lise.etat == EtatReservation.LISTE_ATTENTE
    page = unescape(client_parent.get(url).content.decode())
    assert "2e sur la liste d'attente" in page
    assert reverse("reservations:attente_quitter", args=[lise.pk]) in page
    # BERNARD est premier : la grille de BERNARD le dit.
    ctx = charger_contexte(alsh.periode, [bernard.enfants.get()])
    assert ctx.rang_attente(Choix(bernard.enfants.get().pk, alsh.journee.pk, MERCREDI)) == 1


def test_automatique_acceptee_sans_agent(famille, autre_famille, alsh):
    activite = alsh.periode.activite
    activite.validation = "automatique"
    activite.save()
    reserver(autre_famille, alsh, accepter=False)
    (demande,) = inscrire_attente(famille, alsh)
    assert demande.statut == StatutDemande.ACCEPTEE
    assert "1 inscription sur liste d'attente" in demande.reponse
    assert attente_de(famille, alsh).etat == EtatReservation.LISTE_ATTENTE


def test_post_trafique_qui_reserve_un_jour_complet_est_refuse(
    client_parent, famille, autre_famille, alsh
):
    reserver(autre_famille, alsh)
    cle = Choix(famille.enfants.get().pk, alsh.journee.pk, MERCREDI).cle
    reponse = client_parent.post(
        _url(alsh, famille), {"c": [cle], "action": "valider", "commentaire": ""}
    )
    assert reponse.status_code == 200
    assert "Plus de place le 18/11/2026 (Journée) : complet." in unescape(reponse.content.decode())
    assert not Reservation.objects.filter(enfant__famille=famille).exists()
    # Et le service refuse de même, sans la page.
    with pytest.raises(ValidationError, match="complet"):
        reservation_demander(
            famille=famille,
            periode=alsh.periode,
            ajouts=[Choix(famille.enfants.get().pk, alsh.journee.pk, MERCREDI)],
            suppressions=[],
        )


def test_liste_d_attente_d_un_jour_libre_refusee(client_parent, famille, alsh):
    cle = Choix(famille.enfants.get().pk, alsh.journee.pk, MERCREDI).cle
    reponse = client_parent.post(
        _url(alsh, famille), {"a": [cle], "action": "valider", "commentaire": ""}
    )
    assert "Ce jour n'a pas de liste d'attente ouverte." in unescape(reponse.content.decode())
    with pytest.raises(ValidationError, match="n'est pas complet : réservez-le directement"):
        inscrire_attente(famille, alsh)
    assert not Reservation.objects.filter(enfant__famille=famille).exists()


def test_attribution_a_l_annulation(
    famille, autre_famille, alsh, agent, django_capture_on_commit_callbacks
):
    martin = reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    (suppression,) = reservation_demander(
        famille=autre_famille,
        periode=alsh.periode,
        ajouts=[],
        suppressions=[Choix(martin.enfant_id, alsh.journee.pk, MERCREDI)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        demande_accepter(demande=suppression, agent=agent)
    lise = attente_de(famille, alsh)
    assert lise.etat == EtatReservation.RESERVEE
    assert lise.rang_attente is None
    assert lise.history.first().history_change_reason == "Place attribuée depuis la liste d'attente"
    assert Reservation.objects.filter(unite=alsh.journee, date=MERCREDI).count() == 1
    (courriel,) = [m for m in mail.outbox if "une place vous est attribuée" in m.subject]
    assert "Lise est réservé(e) le 18/11/2026" in courriel.body


def test_attribution_au_refus_d_une_demande(famille, autre_famille, alsh, agent):
    reserver(autre_famille, alsh, accepter=False)  # la demande garde la place
    inscrire_attente(famille, alsh)
    demande = Demande.objects.get(famille=autre_famille)
    demande_refuser(demande=demande, agent=agent, motif="Dossier incomplet")
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE


def test_attribution_quand_la_famille_supprime_sa_demande(famille, autre_famille, alsh):
    reserver(autre_famille, alsh, accepter=False)
    inscrire_attente(famille, alsh)
    demande_annuler(demande=Demande.objects.get(famille=autre_famille), famille=autre_famille)
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE


def test_attribution_quand_la_capacite_augmente(famille, autre_famille, alsh):
    reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    bernard = troisieme_famille(alsh)
    inscrire_attente(bernard, alsh)
    alsh.journee.capacite = 2
    alsh.journee.save()
    assert attente_apres_capacite(unites=[alsh.journee]) == 1
    assert attente_de(famille, alsh).etat == EtatReservation.RESERVEE
    assert attente_de(bernard, alsh).etat == EtatReservation.LISTE_ATTENTE
    occupees = Reservation.objects.filter(
        unite=alsh.journee, date=MERCREDI, etat=EtatReservation.RESERVEE
    ).count()
    assert occupees == 2


def test_pas_d_attribution_dans_le_delai(
    famille, autre_famille, alsh, agent, django_capture_on_commit_callbacks
):
    martin = reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    # Le 12/11, le 18/11 est à moins de 7 jours : la liste est close, les familles prévenues.
    with (
        time_machine.travel(a_paris(MERCREDI.replace(day=12)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reservations_retirer(reservations=[martin], agent=agent)
    lise = attente_de(famille, alsh)
    assert lise.etat == EtatReservation.LISTE_ATTENTE
    assert JourOuverture.objects.get(unite=alsh.journee, date=MERCREDI).attente_fermee
    (courriel,) = [m for m in mail.outbox if "liste d'attente close" in m.subject]
    assert "la place ne sera pas attribuée automatiquement à Lise" in courriel.body
    # Une liste close n'accepte plus d'inscription.
    bernard = troisieme_famille(alsh)
    with pytest.raises(ValidationError):
        inscrire_attente(bernard, alsh)


def test_quitter_la_liste_et_frontiere_de_la_famille(
    client, client_parent, famille, autre_famille, alsh
):
    reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    lise = attente_de(famille, alsh)
    url = reverse("reservations:attente_quitter", args=[lise.pk])
    # Une autre famille : 404, l'inscription reste.
    client_martin = client.__class__()
    client_martin.force_login(compte_de(autre_famille))
    assert client_martin.post(url).status_code == 404
    assert Reservation.objects.filter(pk=lise.pk).exists()
    reponse = client_parent.post(url, {"suite": _url(alsh, famille)})
    assert reponse.status_code == 302
    assert reponse["Location"] == _url(alsh, famille)
    assert not Reservation.objects.filter(pk=lise.pk).exists()
    assert client_parent.get(url).status_code == 405


def test_grille_en_nombre_fixe_de_requetes(famille, autre_famille, alsh, django_assert_num_queries):
    reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    enfants = [famille.enfants.get()]
    from django.utils import timezone

    with django_assert_num_queries(8):
        grille = grille_periode(periode=alsh.periode, enfants=enfants, maintenant=timezone.now())
    (case,) = [c for c in grille.cases_a_cocher() if c.jour == MERCREDI and c.unite == alsh.journee]
    assert case.libelle == "1er sur la liste d'attente"


def test_la_tache_de_nuit_ferme_les_listes_entrees_dans_le_delai(
    famille, autre_famille, alsh, django_capture_on_commit_callbacks
):
    reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    assert fermer_listes_attente() == 0  # le 26/10, le 18/11 est loin du délai
    with (
        time_machine.travel(a_paris(MERCREDI.replace(day=12)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert fermer_listes_attente() == 1
        assert fermer_listes_attente() == 0  # une seule fois
    assert JourOuverture.objects.get(unite=alsh.journee, date=MERCREDI).attente_fermee
    assert [m.subject for m in mail.outbox if "close" in m.subject] == [
        "Carnin (test) : liste d'attente close pour le 18/11/2026"
    ]


def test_unite_exclusive_ni_inscription_ni_attribution(famille, autre_famille, alsh):
    reserver(autre_famille, alsh)
    lise = famille.enfants.get()
    Reservation.objects.create(
        enfant=lise, famille=famille, unite=alsh.matin, date=MERCREDI, etat=EtatReservation.RESERVEE
    )
    with pytest.raises(ValidationError, match="ne peut pas être réservé avec Matin"):
        inscrire_attente(famille, alsh)
    # Inscrite avant de prendre le Matin : la place libérée va au foyer suivant.
    Reservation.objects.filter(enfant=lise, unite=alsh.matin).delete()
    inscrire_attente(famille, alsh)
    bernard = troisieme_famille(alsh)
    inscrire_attente(bernard, alsh)
    Reservation.objects.create(
        enfant=lise, famille=famille, unite=alsh.matin, date=MERCREDI, etat=EtatReservation.RESERVEE
    )
    alsh.journee.capacite = 2
    alsh.journee.save()
    assert attente_apres_capacite(unites=[alsh.journee]) == 1
    assert attente_de(bernard, alsh).etat == EtatReservation.RESERVEE
    assert (
        Reservation.objects.get(enfant=lise, unite=alsh.journee).etat
        == EtatReservation.LISTE_ATTENTE
    )


def test_attribution_quand_une_absence_est_excusee(
    famille, autre_famille, alsh, agent, django_capture_on_commit_callbacks
):
    """Un absent excusé n'occupe plus sa place : elle va au premier de la liste d'attente ;
    le jour de l'absent reste « Absent excusé » (jamais facturé)."""
    from reservations.models import MotifAbsence
    from reservations.services import absence_declarer

    martin = reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    absence = absence_declarer(reservation=martin, motif=MotifAbsence.FAMILLE)
    with django_capture_on_commit_callbacks(execute=True):
        demande_accepter(demande=absence.demande, agent=agent)
    martin.refresh_from_db()
    assert martin.etat == EtatReservation.ABSENT_EXCUSE
    lise = attente_de(famille, alsh)
    assert lise.etat == EtatReservation.RESERVEE and lise.rang_attente is None
    assert [m for m in mail.outbox if "une place vous est attribuée" in m.subject]


def test_absence_refusee_garde_la_place(famille, autre_famille, alsh, agent):
    """Absent facturé : la place reste occupée, la liste d'attente attend."""
    from reservations.models import MotifAbsence
    from reservations.services import absence_declarer

    martin = reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    absence = absence_declarer(reservation=martin, motif=MotifAbsence.FAMILLE)
    demande_refuser(demande=absence.demande, agent=agent, motif="Hors délai")
    martin.refresh_from_db()
    assert martin.etat == EtatReservation.ABSENT_FACTURE
    assert attente_de(famille, alsh).etat == EtatReservation.LISTE_ATTENTE


def test_absence_excusee_apres_coup_ne_touche_pas_a_la_liste_d_un_jour_passe(
    famille, autre_famille, alsh, agent, django_capture_on_commit_callbacks
):
    """Le certificat arrive après le jour : l'absence est excusée, la liste d'attente de ce
    jour passé reste telle quelle et personne ne reçoit d'e-mail à son sujet."""
    from reservations.models import MotifAbsence
    from reservations.services import absence_declarer

    martin = reserver(autre_famille, alsh)
    inscrire_attente(famille, alsh)
    absence = absence_declarer(reservation=martin, motif=MotifAbsence.FAMILLE)
    mail.outbox.clear()
    with (
        time_machine.travel(a_paris(MERCREDI.replace(day=20)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        demande_accepter(demande=absence.demande, agent=agent)
    martin.refresh_from_db()
    assert martin.etat == EtatReservation.ABSENT_EXCUSE
    assert attente_de(famille, alsh).etat == EtatReservation.LISTE_ATTENTE
    assert not JourOuverture.objects.get(unite=alsh.journee, date=MERCREDI).attente_fermee
    assert not [m for m in mail.outbox if "liste d'attente" in m.subject]
