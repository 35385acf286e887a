"""La demande « Réservations » : création, acceptation ligne par ligne, refus, annulation,
suppression, mode automatique, unités exclusives, capacité et règles du serveur."""

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from demandes.models import Demande, StatutDemande, StatutLigne
from demandes.services import demande_accepter, demande_annuler, demande_refuser
from portail.noyau.registre import type_demande
from reservations.models import EtatReservation, Fermeture, Inscription, Reservation
from reservations.regles import Choix
from reservations.selectors import grille_periode
from reservations.services import reservation_demander
from tests.factories import EnfantFactory, compte_de

from .conftest import PARIS
from .factories import InscriptionFactory

pytestmark = pytest.mark.usefixtures("lundi_26_octobre")

JOURS_LISE = [date(2026, 11, d) for d in (9, 10, 12, 13, 16, 17, 19, 20)]


def _choix(enfant, unite, jours):
    return [Choix(enfant.pk, unite.pk, j) for j in jours]


def _demander(famille, periode, ajouts=(), suppressions=(), **kwargs):
    return reservation_demander(
        famille=famille,
        periode=periode,
        ajouts=list(ajouts),
        suppressions=list(suppressions),
        **kwargs,
    )


def test_une_demande_avec_son_resume_et_ses_lignes(famille, cantine):
    lise = famille.enfants.get()
    (demande,) = _demander(
        famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE), commentaire=" Merci "
    )
    assert demande.resume == (
        "Réservations Cantine pour Lise sur la période du 01/11/2026 au 30/11/2026 (8 ajouts)"
    )
    assert [ligne.libelle for ligne in demande.lignes.all()][:2] == [
        "Ajout de la réservation du 09/11/2026 (Repas)",
        "Ajout de la réservation du 10/11/2026 (Repas)",
    ]
    assert demande.commentaire == "Merci"
    assert demande.statut == StatutDemande.EN_ATTENTE
    assert demande.cible == lise
    # Les places sont gardées tant que la demande est en attente.
    assert Reservation.objects.filter(etat=EtatReservation.DEMANDEE, demande=demande).count() == 8


def test_l_agent_accepte_tout_8_reservations_validees(famille, cantine, agent):
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE))
    demande = demande_accepter(demande=demande, agent=agent)
    assert demande.reponse == "8 réservations validées"
    assert set(Reservation.objects.values_list("etat", flat=True)) == {EtatReservation.RESERVEE}


def test_l_agent_refuse_une_ligne_la_place_est_liberee(famille, cantine, agent):
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:3]))
    ligne = demande.lignes.get(libelle__contains="10/11/2026")
    demande = demande_accepter(demande=demande, agent=agent, lignes_refusees={ligne.pk: "Complet"})
    assert demande.reponse == (
        "2 réservations validées, 1 ligne refusée. Motif du refus : Complet "
        "(Ajout de la réservation du 10/11/2026 (Repas))."
    )
    assert Reservation.objects.get(date=date(2026, 11, 10)).etat == EtatReservation.REFUSEE
    assert Reservation.objects.filter(etat=EtatReservation.RESERVEE).count() == 2
    ligne.refresh_from_db()
    assert ligne.statut == StatutLigne.REFUSEE


def test_refus_de_toute_la_demande_puis_redemande_du_jour_refuse(famille, cantine, agent):
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:1]))
    demande_refuser(demande=demande, agent=agent, motif="Cantine complète ce jour-là.")
    reservation = Reservation.objects.get()
    assert reservation.etat == EtatReservation.REFUSEE
    grille = grille_periode(
        periode=cantine.periode, enfants=[lise], maintenant=datetime(2026, 10, 26, tzinfo=PARIS)
    )
    case_a_cocher = next(c for c in grille.cases_a_cocher() if c.jour == JOURS_LISE[0])
    assert (
        case_a_cocher.libelle == "✗ Réservation refusée"
        and case_a_cocher.modifiable
        and not case_a_cocher.cochee
    )
    (nouvelle,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:1]))
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.DEMANDEE and reservation.demande == nouvelle


def test_refus_automatique_sans_agent_marque_les_jours_refuses(famille, cantine):
    """Une règle automatique refuse sans agent : les jours sont « refusée », pas retirés."""
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:2]))
    demande_refuser(demande=demande, agent=None, motif="Période close.", automatique=True)
    assert list(Reservation.objects.values_list("etat", flat=True)) == [
        EtatReservation.REFUSEE,
        EtatReservation.REFUSEE,
    ]


def test_annulation_par_la_famille_libere_les_places_sans_marquer_de_refus(famille, cantine):
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:2]))
    demande_annuler(demande=demande, famille=famille)
    assert not Reservation.objects.exists()
    grille = grille_periode(
        periode=cantine.periode, enfants=[lise], maintenant=datetime(2026, 10, 26, tzinfo=PARIS)
    )
    case_a_cocher = next(c for c in grille.cases_a_cocher() if c.jour == JOURS_LISE[0])
    assert case_a_cocher.libelle == "" and case_a_cocher.modifiable


def test_suppression_d_une_reservation_validee(famille, cantine, agent):
    lise = famille.enfants.get()
    (ajout,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:2]))
    demande_accepter(demande=ajout, agent=agent)
    (suppression,) = _demander(
        famille, cantine.periode, suppressions=_choix(lise, cantine.repas, JOURS_LISE[:1])
    )
    assert suppression.resume.endswith("(1 suppression)")
    assert suppression.lignes.get().libelle == "Suppression de la réservation du 09/11/2026 (Repas)"
    # Tant qu'elle est en attente, le jour reste réservé et ne peut pas être redemandé.
    with pytest.raises(ValidationError, match="déjà demandée"):
        _demander(
            famille, cantine.periode, suppressions=_choix(lise, cantine.repas, JOURS_LISE[:1])
        )
    demande = demande_accepter(demande=suppression, agent=agent)
    assert demande.reponse == "1 suppression validée"
    assert list(Reservation.objects.values_list("date", flat=True)) == [JOURS_LISE[1]]


def test_mode_automatique_accepte_aussitot_et_l_historique_le_dit(famille, garderie):
    periode, matin, soir = garderie
    lise = famille.enfants.get()
    ajouts = _choix(lise, matin, JOURS_LISE[:2]) + _choix(lise, soir, JOURS_LISE[:1])
    (demande,) = _demander(famille, periode, ajouts)
    assert demande.statut == StatutDemande.ACCEPTEE
    assert demande.traitement_automatique
    assert demande.reponse == "3 réservations validées (traitement automatique)."
    assert Reservation.objects.filter(etat=EtatReservation.RESERVEE).count() == 3


def test_plusieurs_enfants_une_demande_chacun(famille, cantine):
    lise = famille.enfants.get()
    tom = EnfantFactory(famille=famille, prenom="Tom")
    InscriptionFactory(enfant=tom, activite=cantine.periode.activite)
    demandes = _demander(
        famille,
        cantine.periode,
        _choix(lise, cantine.repas, JOURS_LISE[:1]) + _choix(tom, cantine.repas, JOURS_LISE),
    )
    assert sorted(d.resume for d in demandes) == [
        "Réservations Cantine pour Lise sur la période du 01/11/2026 au 30/11/2026 (1 ajout)",
        "Réservations Cantine pour Tom sur la période du 01/11/2026 au 30/11/2026 (8 ajouts)",
    ]


def test_unites_exclusives_journee_et_matin(famille, alsh):
    lise = famille.enfants.get()
    mercredi = date(2026, 11, 18)
    with pytest.raises(ValidationError, match="Journée ne peut pas être réservé avec Matin"):
        _demander(
            famille,
            alsh.periode,
            _choix(lise, alsh.journee, [mercredi]) + _choix(lise, alsh.matin, [mercredi]),
        )
    assert not Reservation.objects.exists()
    _demander(famille, alsh.periode, _choix(lise, alsh.matin, [mercredi]))
    with pytest.raises(ValidationError, match="choisissez l'un ou l'autre"):
        _demander(famille, alsh.periode, _choix(lise, alsh.journee, [mercredi]))
    # Matin et Après-midi ne s'excluent pas.
    _demander(famille, alsh.periode, _choix(lise, alsh.apres_midi, [mercredi]))


def test_capacite_jamais_depassee(famille, autre_famille, alsh):
    hugo = autre_famille.enfants.get()
    lise = famille.enfants.get()
    mercredi = date(2026, 11, 18)
    _demander(autre_famille, alsh.periode, _choix(hugo, alsh.journee, [mercredi]))
    with pytest.raises(ValidationError) as erreur:
        _demander(famille, alsh.periode, _choix(lise, alsh.journee, [mercredi]))
    assert erreur.value.messages == ["Plus de place le 18/11/2026 (Journée) : complet."]
    assert Reservation.objects.count() == 1


@pytest.mark.parametrize(
    ("jour", "preparer", "message"),
    [
        (date(2026, 11, 11), None, "pas d'accueil ce jour"),  # férié : pas de jour ouvert
        (date(2026, 10, 21), None, "jour hors de la période"),
        (date(2026, 11, 18), "fermeture", "fermé (sortie des agents)"),
        (date(2026, 11, 18), "desinscrit", "non inscrit à cette date"),
        (date(2026, 11, 18), "periode_fermee", "réservations fermées"),
    ],
)
def test_regles_du_serveur(famille, alsh, jour, preparer, message):
    lise = famille.enfants.get()
    if preparer == "fermeture":
        Fermeture.objects.create(date=jour, motif="Sortie des agents")
    elif preparer == "desinscrit":
        Inscription.objects.filter(enfant=lise).update(date_fin=date(2026, 11, 15))
    elif preparer == "periode_fermee":
        alsh.periode.reservable_jusqu_au = datetime(2026, 10, 25, 23, 59, tzinfo=PARIS)
        alsh.periode.save()
    with pytest.raises(ValidationError) as erreur:
        _demander(famille, alsh.periode, _choix(lise, alsh.matin, [jour]))
    assert erreur.value.messages == [
        f"Impossible de réserver le {jour:%d/%m/%Y} (Matin) : {message}."
    ]
    assert not Reservation.objects.exists() and not Demande.objects.exists()


def test_enfant_d_une_autre_famille_refuse(famille, autre_famille, alsh):
    hugo = autre_famille.enfants.get()
    with pytest.raises(ValidationError, match="n'appartient pas à votre famille"):
        _demander(famille, alsh.periode, _choix(hugo, alsh.matin, [date(2026, 11, 18)]))
    assert not Reservation.objects.exists()


def test_rien_de_modifie(famille, cantine):
    with pytest.raises(ValidationError, match="Vous n'avez rien modifié"):
        _demander(famille, cantine.periode)


def test_infos_lignes_pour_l_agent(famille, autre_famille, alsh):
    lise = famille.enfants.get()
    hugo = autre_famille.enfants.get()
    _demander(autre_famille, alsh.periode, _choix(hugo, alsh.matin, [date(2026, 11, 18)]))
    (demande,) = _demander(
        famille,
        alsh.periode,
        _choix(lise, alsh.matin, [date(2026, 11, 18)])
        + _choix(lise, alsh.journee, [date(2026, 11, 4)]),
    )
    lignes = list(demande.lignes.all())
    infos = type_demande("reservations").decrire(lignes=lignes)
    assert infos[lignes[0].pk] == (
        "1 place occupée sur 1 (demandes en attente comprises), 0 place restante"
    )
    assert infos[lignes[1].pk] == (
        "2 places occupées sur 24 (demandes en attente comprises), 22 places restantes"
    )


def test_infos_lignes_signale_le_hors_delai(famille, cantine):
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:1]))
    with time_machine.travel(datetime(2026, 11, 5, 9, tzinfo=PARIS), tick=False):
        infos = type_demande("reservations").decrire(lignes=list(demande.lignes.all()))
    assert infos == {
        demande.lignes.get().pk: "1 enfant inscrit, pas de limite — hors délai (possible "
        "jusqu'au 02/11/2026 inclus)"
    }


def test_une_ligne_deja_changee_ne_s_applique_pas(famille, cantine, agent):
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:1]))
    Reservation.objects.update(etat=EtatReservation.PRESENT)
    with pytest.raises(ValidationError, match="a changé depuis la demande"):
        demande_accepter(demande=demande, agent=agent)
    demande.refresh_from_db()
    assert demande.statut == StatutDemande.EN_ATTENTE


def test_toutes_les_lignes_refusees_une_a_une(famille, cantine, agent):
    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:2]))
    refus = {ligne.pk: "Complet" for ligne in demande.lignes.all()}
    demande = demande_accepter(demande=demande, agent=agent, lignes_refusees=refus)
    assert demande.statut == StatutDemande.REFUSEE
    assert demande.reponse == (
        "Aucune réservation validée, 2 lignes refusées. Motif du refus : Complet (Ajout de la "
        "réservation du 09/11/2026 (Repas), Ajout de la réservation du 10/11/2026 (Repas))."
    )
    assert set(Reservation.objects.values_list("etat", flat=True)) == {EtatReservation.REFUSEE}


def test_periode_masquee_refusee_par_le_service(famille, cantine):
    lise = famille.enfants.get()
    cantine.periode.affichee_du = date(2026, 11, 1)
    cantine.periode.save()
    with pytest.raises(ValidationError, match="n'est pas ouverte aux réservations"):
        _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:1]))


def test_le_motif_d_un_refus_de_ligne_est_dans_l_historique_l_email_et_l_accueil(
    famille, cantine, agent, client, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.urls import reverse

    lise = famille.enfants.get()
    (demande,) = _demander(famille, cantine.periode, _choix(lise, cantine.repas, JOURS_LISE[:3]))
    lignes = list(demande.lignes.filter(libelle__regex="(10|12)/11/2026"))
    refus = {lignes[0].pk: "Sortie scolaire", lignes[1].pk: "Sortie scolaire"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        demande = demande_accepter(
            demande=demande, agent=agent, reponse="Bonne rentrée !", lignes_refusees=refus
        )
    attendu = (
        "Motif du refus : Sortie scolaire (Ajout de la réservation du 10/11/2026 (Repas), "
        "Ajout de la réservation du 12/11/2026 (Repas))."
    )
    assert demande.reponse == f"Bonne rentrée ! {attendu}"
    (message,) = mail.outbox
    assert attendu in message.body
    client.force_login(compte_de(famille))
    assert attendu in client.get(reverse("demandes:historique")).content.decode()
    accueil = client.get(reverse("portail:accueil")).content.decode()
    assert "Dernières réponses de la mairie" in accueil and attendu in accueil
