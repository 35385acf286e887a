from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter, demande_annuler, demande_refuser
from portail.noyau.registre import type_demande
from reservations.models import Absence, EtatReservation, MotifAbsence
from reservations.services import absence_declarer
from tests.factories import compte_de

from .factories_planning import PDF, PNG, ReservationFactory, cantine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("le_16_novembre_2026")]


@pytest.fixture
def reservation(famille):
    return ReservationFactory(
        enfant=famille.enfants.get(), unite=cantine(), date=date(2026, 11, 20)
    )


def _url(reservation):
    return reverse("reservations:absence_declarer", args=[reservation.pk])


def _pdf(nom="certificat.pdf"):
    return SimpleUploadedFile(nom, PDF, content_type="application/pdf")


def test_absence_pour_maladie_avec_certificat(client_parent, reservation):
    reponse = client_parent.post(
        _url(reservation),
        {"motif": MotifAbsence.MALADIE, "commentaire": "Gastro", "certificat": _pdf()},
    )
    assert reponse.status_code == 302
    assert reponse.url == reverse(
        "reservations:planning_mois", args=[reservation.enfant_id, 2026, 11]
    )
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.ABSENCE_DEMANDEE
    absence = Absence.objects.get()
    assert absence.certificat.read() == PDF
    assert absence.certificat.name.startswith("absences/")
    assert "certificat" not in absence.certificat.name  # nom aléatoire dans le stockage
    demande = absence.demande
    assert demande.type == "absence"
    assert demande.statut == StatutDemande.EN_ATTENTE
    assert demande.resume == "Absence de Lise le 20/11/2026 (CANTINE — Repas) : " + (
        MotifAbsence.MALADIE.label
    )
    assert demande.commentaire == "Gastro"
    assert demande.lignes.get().libelle == "Absence du 20/11/2026 (CANTINE — Repas)"
    assert demande.cible == absence


def test_absence_pour_raison_familiale_sans_certificat(client_parent, reservation):
    reponse = client_parent.post(_url(reservation), {"motif": MotifAbsence.FAMILLE})
    assert reponse.status_code == 302
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.ABSENCE_DEMANDEE
    assert not Absence.objects.get().certificat


def test_maladie_sans_certificat_est_refusee_et_rien_ne_change(client_parent, reservation):
    reponse = client_parent.post(_url(reservation), {"motif": MotifAbsence.MALADIE})
    assert reponse.status_code == 200
    assert "joignez le certificat médical" in reponse.content.decode()
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.RESERVEE
    assert not Absence.objects.exists()
    assert not Demande.objects.exists()


@pytest.mark.parametrize(
    ("nom", "contenu", "message"),
    [
        ("certificat.pdf", b"ceci n'est pas un pdf", "ne correspond pas"),
        ("certificat.exe", PDF, "Seuls les fichiers pdf, jpg, jpeg ou png"),
        ("photo.jpg", PNG, "ne correspond pas"),
        ("gros.pdf", PDF + b"0" * (5 * 1024 * 1024), "dépasse 5 Mo"),
    ],
)
def test_mauvais_certificat_refuse(client_parent, reservation, nom, contenu, message):
    fichier = SimpleUploadedFile(nom, contenu)
    reponse = client_parent.post(
        _url(reservation), {"motif": MotifAbsence.MALADIE, "certificat": fichier}
    )
    assert reponse.status_code == 200
    assert message in reponse.content.decode()
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.RESERVEE
    assert not Absence.objects.exists()


def test_certificat_png_accepte(client_parent, reservation):
    fichier = SimpleUploadedFile("scan.png", PNG)
    reponse = client_parent.post(
        _url(reservation), {"motif": MotifAbsence.MALADIE, "certificat": fichier}
    )
    assert reponse.status_code == 302
    assert Absence.objects.get().certificat.name.endswith(".png")


def test_motif_trafique_refuse(client_parent, reservation):
    reponse = client_parent.post(_url(reservation), {"motif": "vacances"})
    assert reponse.status_code == 200
    assert "Sélectionnez un choix valide" in reponse.content.decode()
    assert not Absence.objects.exists()


def test_jour_passe_refuse(client_parent, famille):
    passee = ReservationFactory(
        enfant=famille.enfants.get(), unite=cantine(), date=date(2026, 11, 13)
    )
    reponse = client_parent.get(_url(passee))
    assert "ne peut pas être déclarée" in reponse.content.decode()
    reponse = client_parent.post(_url(passee), {"motif": MotifAbsence.FAMILLE})
    assert "est passé" in reponse.content.decode()
    passee.refresh_from_db()
    assert passee.etat == EtatReservation.RESERVEE
    assert not Absence.objects.exists()


def test_le_jour_meme_est_encore_possible(famille):
    du_jour = ReservationFactory(
        enfant=famille.enfants.get(), unite=cantine(), date=date(2026, 11, 16)
    )
    absence_declarer(reservation=du_jour, motif=MotifAbsence.AUTRE)
    du_jour.refresh_from_db()
    assert du_jour.etat == EtatReservation.ABSENCE_DEMANDEE


@pytest.mark.parametrize(
    "etat",
    [EtatReservation.DEMANDEE, EtatReservation.REFUSEE, EtatReservation.ABSENT_EXCUSE],
)
def test_seul_un_jour_reserve_peut_etre_declare(reservation, etat):
    reservation.etat = etat
    reservation.save()
    with pytest.raises(ValidationError, match="jour réservé"):
        absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    assert not Demande.objects.exists()


def test_pas_deux_absences_pour_le_meme_jour(reservation):
    absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    with pytest.raises(ValidationError, match="déjà en cours"):
        absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    assert Demande.objects.count() == 1


def test_accepter_rend_absent_excuse(reservation, agent):
    absence = absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    demande = demande_accepter(demande=absence.demande, agent=agent)
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.ABSENT_EXCUSE
    assert (
        demande.reponse == "Absence excusée : le 20/11/2026 (CANTINE — Repas) ne sera pas facturé."
    )


def test_refuser_rend_absent_facture(reservation, agent):
    absence = absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    demande = demande_refuser(demande=absence.demande, agent=agent, motif="Prévenu trop tard.")
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.ABSENT_FACTURE
    assert demande.reponse == "Prévenu trop tard."


def test_refus_automatique_sans_agent_rend_absent_facture(reservation):
    """Une règle automatique refuse sans agent : c'est un refus, pas une annulation."""
    absence = absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    demande = demande_refuser(
        demande=absence.demande, agent=None, motif="Délai dépassé.", automatique=True
    )
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.ABSENT_FACTURE
    assert demande.statut == StatutDemande.REFUSEE and demande.traitement_automatique


def test_la_famille_supprime_sa_demande_le_jour_redevient_reserve(reservation, famille):
    absence = absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    demande_annuler(demande=absence.demande, famille=famille)
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.RESERVEE


def test_accepter_une_absence_dont_le_jour_a_change_est_refuse(reservation, agent):
    absence = absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    reservation.refresh_from_db()
    reservation.etat = EtatReservation.PRESENT  # pointé entre-temps
    reservation.save()
    with pytest.raises(ValidationError, match="n'est plus en attente"):
        demande_accepter(demande=absence.demande, agent=agent)
    absence.demande.refresh_from_db()
    assert absence.demande.statut == StatutDemande.EN_ATTENTE


def test_autre_famille_recoit_404(client, autre_famille, reservation):
    client.force_login(compte_de(autre_famille))
    assert client.get(_url(reservation)).status_code == 404
    reponse = client.post(_url(reservation), {"motif": MotifAbsence.FAMILLE})
    assert reponse.status_code == 404
    reservation.refresh_from_db()
    assert reservation.etat == EtatReservation.RESERVEE


def test_certificat_telechargeable_par_la_famille_et_l_agent_seulement(
    client, famille, autre_famille, reservation, admin_user_portail
):
    absence = absence_declarer(
        reservation=reservation, motif=MotifAbsence.MALADIE, certificat=_pdf("Mon certif.pdf")
    )
    url = reverse("reservations:absence_certificat", args=[absence.pk])
    url_admin = reverse("admin:reservations_absence_certificat", args=[absence.pk])

    assert client.get(url).status_code == 302  # anonyme : vers la connexion
    assert client.get(url_admin).status_code == 302

    client.force_login(compte_de(autre_famille))
    assert client.get(url).status_code == 404
    assert client.get(url_admin).status_code == 302  # pas un agent

    client.force_login(compte_de(famille))
    reponse = client.get(url)
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    assert "Mon_certif.pdf" in reponse["Content-Disposition"]
    assert reponse["Cache-Control"] == "private, no-store"

    client.force_login(admin_user_portail)
    reponse = client.get(url_admin)
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content) == PDF
    # Aucune URL publique ne sert le stockage privé.
    assert client.get("/prive-non-servi/" + absence.certificat.name).status_code == 404


def test_page_absence_sans_certificat_404(client_parent, reservation):
    absence = absence_declarer(reservation=reservation, motif=MotifAbsence.FAMILLE)
    url = reverse("reservations:absence_certificat", args=[absence.pk])
    assert client_parent.get(url).status_code == 404


def test_formulaire_absence_s_affiche(client_parent, reservation):
    reponse = client_parent.get(_url(reservation))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Lise DUPONT, le 20/11/2026 (CANTINE — Repas)" in contenu
    assert "Maladie (certificat médical obligatoire)" in contenu
    assert "Raison familiale" in contenu


def test_infos_pour_l_agent(reservation, famille):
    avec = absence_declarer(reservation=reservation, motif=MotifAbsence.MALADIE, certificat=_pdf())
    autre = ReservationFactory(
        enfant=reservation.enfant, unite=reservation.unite, date=date(2026, 11, 23)
    )
    sans = absence_declarer(reservation=autre, motif=MotifAbsence.FAMILLE)
    lignes = [avec.demande.lignes.get(), sans.demande.lignes.get()]
    infos = type_demande("absence").decrire(lignes=lignes)
    assert infos == {
        lignes[0].pk: "Certificat médical joint (à télécharger depuis l'absence)",
        lignes[1].pk: "Aucun certificat joint",
    }


def test_page_absence_en_requetes_fixes(client_parent, reservation, django_assert_max_num_queries):
    client_parent.get(_url(reservation))
    with django_assert_max_num_queries(6):
        assert client_parent.get(_url(reservation)).status_code == 200
