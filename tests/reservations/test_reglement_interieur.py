"""Règlement intérieur par année scolaire : à accepter avant la première réservation de
l'année (vérifié par le service), enregistré avec l'adulte, la date et la version ; une
nouvelle version le fait accepter à nouveau."""

from datetime import date
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from reservations.models import AcceptationReglement, ReglementInterieur
from reservations.regles import Choix
from reservations.services import reservation_demander
from reservations.services.reglement import reglement_accepter
from tests.factories import compte_de

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("lundi_26_octobre")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MESSAGE = (
    "Avant de réserver pour 2026-2027, lisez et acceptez le règlement intérieur 2026-2027 "
    "(version {}) sur la page des réservations."
)


def publier(annee="2026-2027", version="1", le=date(2026, 8, 20)) -> ReglementInterieur:
    reglement = ReglementInterieur(annee_scolaire=annee, version=version, publie_le=le)
    reglement.fichier.save("r.pdf", ContentFile(PDF), save=False)
    reglement.save()
    return reglement


def _demander(famille, alsh, jour=date(2026, 11, 18)):
    enfant = famille.enfants.get()
    return reservation_demander(
        famille=famille,
        periode=alsh.periode,
        ajouts=[Choix(enfant.pk, alsh.matin.pk, jour)],
        suppressions=[],
    )


def _url(alsh):
    return f"{reverse('reservations:reserver')}?periode={alsh.periode.pk}"


def test_sans_acceptation_le_service_refuse(famille, alsh):
    publier()
    with pytest.raises(ValidationError) as erreur:
        _demander(famille, alsh)
    assert erreur.value.messages == [MESSAGE.format("1")]


def test_un_reglement_d_une_autre_annee_ne_compte_pas(famille, alsh):
    publier(annee="2027-2028", le=date(2027, 8, 20))
    assert _demander(famille, alsh)


def test_accepter_puis_reserver_et_nouvelle_version(
    client_parent, famille, alsh, admin_user_portail
):
    reglement = publier()
    page = unescape(client_parent.get(_url(alsh)).content.decode())
    assert "J'ai lu et j'accepte le règlement intérieur 2026-2027" in page
    assert reverse("reservations:reglement_document", args=[reglement.pk]) in page
    accepter = reverse("reservations:reglement_accepter", args=[reglement.pk])
    # Sans la case cochée : rien n'est enregistré.
    client_parent.post(accepter, {"suite": _url(alsh)})
    assert not AcceptationReglement.objects.exists()
    reponse = client_parent.post(accepter, {"accepte": "oui", "suite": _url(alsh)})
    assert reponse.status_code == 302 and reponse["Location"] == _url(alsh)
    acceptation = AcceptationReglement.objects.get()
    assert (acceptation.famille, acceptation.reglement, acceptation.compte) == (
        famille,
        reglement,
        compte_de(famille),
    )
    assert acceptation.adulte and acceptation.accepte_le
    assert 'id="reglement-accepte"' not in client_parent.get(_url(alsh)).content.decode()
    assert _demander(famille, alsh)
    # Les agents voient l'acceptation sur la fiche du règlement.
    client_agent = Client()
    client_agent.force_login(admin_user_portail)
    fiche = client_agent.get(
        reverse("admin:reservations_reglementinterieur_change", args=[reglement.pk])
    ).content.decode()
    assert acceptation.adulte in unescape(fiche)
    # Une nouvelle version fait accepter à nouveau.
    publier(version="2", le=date(2026, 10, 1))
    with pytest.raises(ValidationError, match="version 2"):
        _demander(famille, alsh, jour=date(2026, 11, 25))


def test_document_servi_aux_familles_connectees(client, client_parent, alsh):
    reglement = publier()
    url = reverse("reservations:reglement_document", args=[reglement.pk])
    reponse = client_parent.get(url)
    assert reponse.status_code == 200
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")
    assert reponse["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(url).status_code == 302


def test_le_service_refuse_une_acceptation_sans_la_case_cochee(famille, alsh):
    reglement = publier()
    with pytest.raises(ValidationError, match="Cochez « J'ai lu et j'accepte"):
        reglement_accepter(
            famille=famille, reglement=reglement, compte=None, adulte="Jean DUPONT", accepte=False
        )
    assert not AcceptationReglement.objects.exists()
