"""Paiement en ligne : le vrai client SOAP payfip_ws d'eopayment contre le simulateur local.

Le serveur de test (live_server) sert le simulateur ; les vues du portail l'appellent en HTTP
comme elles appelleraient PayFiP. Le client de test parle au portail avec l'hôte du serveur.
"""

from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from facturation.models import (
    EtatTransaction,
    EvenementPaiement,
    Facture,
    OperationSimulee,
    Reglement,
    TransactionFacture,
    TransactionPaiement,
)
from facturation.tasks import verifier_paiements_en_cours
from portail.noyau.models import Configuration
from tests.factories import compte_de

from .factories import facturer_jours, regie_cantine

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hote(live_server, configuration):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=True)
    cache.clear()
    return urlparse(live_server.url).netloc


@pytest.fixture
def facture(famille, hote):
    _regie, repas = regie_cantine()
    return facturer_jours(famille, repas, [date(2026, 9, j) for j in (1, 3, 4, 7, 8)])


def _reste(facture) -> Decimal:
    return Facture.objects.avec_soldes().get(pk=facture.pk).reste


def _commencer(client, hote, *factures):
    reponse = client.post(
        reverse("facturation:paiement"), {"factures": [f.pk for f in factures]}, HTTP_HOST=hote
    )
    assert reponse.status_code == 302, reponse.content.decode()
    return reponse["Location"]


def _choisir(client, hote, url_page: str, action: str):
    """Le parent clique sur un bouton de la page PayFiP (simulateur)."""
    idop = parse_qs(urlparse(url_page).query)["idop"][0]
    chemin = urlparse(url_page).path
    assert client.get(chemin, {"idop": idop}, HTTP_HOST=hote).status_code == 200
    reponse = client.post(chemin, {"idop": idop, "action": action}, HTTP_HOST=hote)
    assert reponse.status_code == 302
    return idop, reponse["Location"]


def test_paying_an_invoice_end_to_end(client_parent, hote, facture):
    page = client_parent.get(reverse("facturation:paiement"), HTTP_HOST=hote).content.decode()
    assert "Facture n°" + facture.numero in page and "17,00 €" in page
    url = _commencer(client_parent, hote, facture)
    assert "/payfip-simulateur/paiement/" in url
    tx = TransactionPaiement.objects.get()
    assert tx.reference == facture.numero and tx.montant == Decimal("17.00")
    operation = OperationSimulee.objects.get()
    assert (operation.refdet, operation.montant, operation.numcli) == (
        facture.numero,
        "1700",
        "123456",
    )

    _idop, retour = _choisir(client_parent, hote, url, "payer")
    # La notification (serveur à serveur) est déjà passée : payé avant même le retour.
    tx.refresh_from_db()
    assert tx.etat == EtatTransaction.PAYEE
    assert _reste(facture) == Decimal("0.00")
    resultat = client_parent.get(
        urlparse(retour).path + "?" + urlparse(retour).query, HTTP_HOST=hote
    )
    assert resultat["Location"] == reverse("facturation:paiement_resultat", args=[tx.jeton])
    page = client_parent.get(resultat["Location"]).content.decode()
    assert "est enregistré" in page
    reglement = Reglement.objects.get()
    assert reglement.mode == "en_ligne" and reglement.encaisse_le is None
    assert reglement.montant == Decimal("17.00")
    html = client_parent.get(reverse("facturation:reglements")).content.decode()
    assert "Non" in html and "en attente d'encaissement" in html
    sources = list(EvenementPaiement.objects.order_by("id").values_list("source", "resultat"))
    assert [s for s, _ in sources] == ["creation", "notification", "retour"]
    assert "déjà traitée" in sources[-1][1]
    assert not TransactionFacture.objects.filter(en_cours=True).exists()


def test_replayed_notification_pays_once(client, client_parent, hote, facture):
    url = _commencer(client_parent, hote, facture)
    idop, _ = _choisir(client_parent, hote, url, "payer")
    for _ in range(3):
        reponse = client.post(
            reverse("facturation:paiement_notification"), {"idOp": idop}, HTTP_HOST=hote
        )
        assert reponse.status_code == 200
    assert Reglement.objects.count() == 1
    assert _reste(facture) == Decimal("0.00")


def test_return_before_notification_is_handled_once(client_parent, hote, facture, monkeypatch):
    # La notification n'arrive pas (PayFiP injoignable vers nous) : le retour fait le travail,
    # puis la notification tardive ne change rien.
    import facturation.simulateur as simulateur

    monkeypatch.setattr(simulateur, "_notifier", lambda operation: None)
    url = _commencer(client_parent, hote, facture)
    idop, _retour = _choisir(client_parent, hote, url, "payer")
    assert TransactionPaiement.objects.get().etat == EtatTransaction.EN_COURS
    client_parent.get(reverse("facturation:paiement_retour"), {"idOp": idop}, HTTP_HOST=hote)
    assert TransactionPaiement.objects.get().etat == EtatTransaction.PAYEE
    client_parent.post(reverse("facturation:paiement_notification"), {"idOp": idop}, HTTP_HOST=hote)
    assert Reglement.objects.count() == 1


def test_tampered_or_unknown_notification_pays_nothing(client, hote, facture, client_parent):
    _commencer(client_parent, hote, facture)
    for corps in ({"idOp": "inconnu123"}, {"idOp": ""}, {}):
        assert (
            client.post(
                reverse("facturation:paiement_notification"), corps, HTTP_HOST=hote
            ).status_code
            == 200
        )
    # Un retour forgé par le navigateur ne vaut rien non plus : PayFiP dit « en cours ».
    idop = TransactionPaiement.objects.get().idop
    client_parent.get(reverse("facturation:paiement_retour"), {"idOp": idop}, HTTP_HOST=hote)
    assert not Reglement.objects.exists()
    assert _reste(facture) == Decimal("17.00")
    assert TransactionPaiement.objects.get().etat == EtatTransaction.EN_COURS
    assert EvenementPaiement.objects.filter(resultat__contains="idOp inconnu").count() == 3


def test_wrong_amount_is_an_anomaly_and_pays_nothing(client_parent, hote, facture):
    url = _commencer(client_parent, hote, facture)
    OperationSimulee.objects.update(montant="100")  # PayFiP encaisse 1,00 € au lieu de 17,00 €
    _choisir(client_parent, hote, url, "payer")
    tx = TransactionPaiement.objects.get()
    assert tx.etat == EtatTransaction.ANOMALIE
    assert "montant '100' au lieu de '1700'" in tx.message
    assert not Reglement.objects.exists()
    assert _reste(facture) == Decimal("17.00")


def test_refused_payment_pays_nothing_and_invoice_can_be_paid_again(client_parent, hote, facture):
    url = _commencer(client_parent, hote, facture)
    _choisir(client_parent, hote, url, "refuser")
    assert TransactionPaiement.objects.get().etat == EtatTransaction.REFUSEE
    assert _reste(facture) == Decimal("17.00")
    url = _commencer(client_parent, hote, facture)
    _choisir(client_parent, hote, url, "payer")
    assert _reste(facture) == Decimal("0.00")


def test_cancelled_payment_is_released_after_payfip_delay(client_parent, hote, facture):
    url = _commencer(client_parent, hote, facture)
    idop, _ = _choisir(client_parent, hote, url, "annuler")
    # PayFiP garde un idOp annulé actif quelques minutes : la facture reste bloquée.
    assert TransactionPaiement.objects.get().etat == EtatTransaction.EN_COURS
    reponse = client_parent.post(
        reverse("facturation:paiement"), {"factures": [facture.pk]}, HTTP_HOST=hote
    )
    assert "déjà en cours" in reponse.content.decode()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        client_parent.get(reverse("facturation:paiement_retour"), {"idOp": idop}, HTTP_HOST=hote)
    assert TransactionPaiement.objects.get().etat == EtatTransaction.ANNULEE
    assert not Reglement.objects.exists()


def test_invoice_in_payment_cannot_be_paid_again(client_parent, hote, facture):
    _commencer(client_parent, hote, facture)
    page = client_parent.get(reverse("facturation:paiement"), HTTP_HOST=hote).content.decode()
    assert "Paiement en cours" in page and " disabled " in page
    # Le navigateur peut envoyer la case quand même : le serveur refuse.
    reponse = client_parent.post(
        reverse("facturation:paiement"), {"factures": [facture.pk]}, HTTP_HOST=hote
    )
    assert reponse.status_code == 200
    assert "déjà en cours" in reponse.content.decode()
    assert TransactionPaiement.objects.count() == 1


def test_someone_elses_invoice_cannot_be_paid(client_parent, hote, facture, autre_famille):
    _regie, repas = regie_cantine()
    autre = facturer_jours(autre_famille, repas, [date(2026, 10, 1)])
    reponse = client_parent.post(
        reverse("facturation:paiement"), {"factures": [autre.pk]}, HTTP_HOST=hote
    )
    assert reponse.status_code == 200
    assert "ne peut pas être payée en ligne" in reponse.content.decode()
    assert not TransactionPaiement.objects.exists()


def test_other_familys_payment_result_is_404(client_parent, hote, facture, autre_famille, client):
    _commencer(client_parent, hote, facture)
    tx = TransactionPaiement.objects.get()
    client.force_login(compte_de(autre_famille))
    assert client.get(reverse("facturation:paiement_resultat", args=[tx.jeton])).status_code == 404


def test_several_invoices_paid_under_one_grouped_reference(client_parent, hote, famille, facture):
    _regie, repas = regie_cantine()
    octobre = facturer_jours(famille, repas, [date(2026, 10, 1)])
    url = _commencer(client_parent, hote, facture, octobre)
    tx = TransactionPaiement.objects.get()
    assert tx.reference == f"CAG{tx.pk:07d}" and tx.montant == Decimal("20.40")
    _choisir(client_parent, hote, url, "payer")
    assert _reste(facture) == _reste(octobre) == Decimal("0.00")
    assert Reglement.objects.get().affectations.count() == 2


def test_payment_page_says_how_to_pay_when_off(client_parent, hote, facture):
    Configuration.objects.filter(pk=1).update(paiement_en_ligne_actif=False)
    cache.clear()
    html = client_parent.get(reverse("facturation:paiement")).content.decode()
    assert "chèque à l&#x27;ordre du Trésor public" in html
    assert (
        "Payer en ligne" not in client_parent.get(reverse("facturation:factures")).content.decode()
    )


def test_simulator_is_404_when_switched_off(client, settings, hote):
    settings.PAYFIP_SIMULATEUR = False
    assert client.get(reverse("facturation:simulateur_paiement"), {"idop": "x"}).status_code == 404
    assert (
        client.get(
            reverse("facturation:simulateur_ressource", args=["PaiementSecuriseService.wsdl"])
        ).status_code
        == 404
    )


def test_stale_payment_is_settled_by_the_periodic_check(
    client_parent, hote, facture, monkeypatch, live_server
):
    import facturation.simulateur as simulateur

    monkeypatch.setattr(simulateur, "_notifier", lambda operation: None)
    url = _commencer(client_parent, hote, facture)
    _choisir(client_parent, hote, url, "payer")  # ni notification, ni retour du navigateur
    assert verifier_paiements_en_cours.delay(url_site=live_server.url).get() == 0  # trop récent
    TransactionPaiement.objects.update(creee_le=timezone.now() - timedelta(minutes=30))
    assert verifier_paiements_en_cours.delay(url_site=live_server.url).get() == 1
    assert TransactionPaiement.objects.get().etat == EtatTransaction.PAYEE
    assert _reste(facture) == Decimal("0.00")


def test_simultaneous_notifications_record_one_payment(
    client_parent, hote, facture, monkeypatch, live_server
):
    import threading

    from django.db import connection

    import facturation.simulateur as simulateur
    from facturation.services import acces_payfip, paiement_verifier

    monkeypatch.setattr(simulateur, "_notifier", lambda operation: None)
    url = _commencer(client_parent, hote, facture)
    idop, _ = _choisir(client_parent, hote, url, "payer")
    acces = acces_payfip(live_server.url)
    depart = threading.Barrier(4)

    def notifier() -> None:
        try:
            depart.wait()
            paiement_verifier(idop=idop, source="notification", acces=acces)
        finally:
            connection.close()

    fils = [threading.Thread(target=notifier) for _ in range(4)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join()
    assert Reglement.objects.count() == 1
    assert _reste(facture) == Decimal("0.00")
    assert EvenementPaiement.objects.filter(resultat__startswith="payée").count() == 1


# --- Point de notification : limite par adresse, références inconnues ---------------------


def _debut_de_minute():
    """Cinq secondes après le début de la minute suivante : la fenêtre du compteur est stable."""
    return timezone.now().replace(second=5, microsecond=0) + timedelta(minutes=1)


def _notifier(client, hote, idop: str, adresse: str = "127.0.0.1"):
    return client.post(
        reverse("facturation:paiement_notification"),
        {"idOp": idop},
        HTTP_HOST=hote,
        REMOTE_ADDR=adresse,
    )


def test_notifications_limitees_par_adresse(client, hote, settings):
    settings.PAYFIP_NOTIFICATIONS_PAR_MINUTE = 3
    with time_machine.travel(_debut_de_minute()) as voyage:
        for _ in range(3):
            assert _notifier(client, hote, "inconnu", "10.0.0.1").status_code == 200
        refusee = _notifier(client, hote, "inconnu", "10.0.0.1")
        assert refusee.status_code == 429
        assert refusee["Retry-After"] == "60"
        assert "Trop de notifications" in refusee.content.decode()
        # Refusée avant tout travail : rien n'est journalisé pour elle.
        assert EvenementPaiement.objects.count() == 3
        # Une autre adresse n'est pas concernée.
        assert _notifier(client, hote, "inconnu", "10.0.0.2").status_code == 200
        # La minute suivante, la première adresse est de nouveau servie.
        voyage.shift(timedelta(seconds=60))
        assert _notifier(client, hote, "inconnu", "10.0.0.1").status_code == 200


def test_notification_refusee_le_retour_paie_quand_meme(
    client, client_parent, hote, facture, settings
):
    settings.PAYFIP_NOTIFICATIONS_PAR_MINUTE = 1
    with time_machine.travel(_debut_de_minute()):
        url = _commencer(client_parent, hote, facture)
        # Une notification forgée depuis la même adresse que le simulateur épuise la limite :
        # la vraie notification du simulateur reçoit 429 et ne paie rien.
        assert _notifier(client, hote, "inconnu").status_code == 200
        idop, retour = _choisir(client_parent, hote, url, "payer")
        assert TransactionPaiement.objects.get().etat == EtatTransaction.EN_COURS
        assert not EvenementPaiement.objects.filter(source="notification", idop=idop).exists()
        # Le retour du navigateur redemande le résultat à PayFiP : payé une fois.
        client_parent.get(urlparse(retour).path, {"idOp": idop}, HTTP_HOST=hote)
    assert TransactionPaiement.objects.get().etat == EtatTransaction.PAYEE
    assert Reglement.objects.count() == 1
    assert _reste(facture) == Decimal("0.00")


def _hote_ferme() -> str:
    """Une adresse où rien n'écoute : un appel à « PayFiP » par là échoue et se voit."""
    import socket

    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        port = prise.getsockname()[1]
    return f"127.0.0.1:{port}"


def test_reference_inconnue_repondue_sans_appeler_payfip(client, client_parent, hote, facture):
    _commencer(client_parent, hote, facture)
    ferme = _hote_ferme()
    assert _notifier(client, ferme, "inconnu123").status_code == 200
    assert _notifier(client, ferme, "").status_code == 200
    resultats = list(
        EvenementPaiement.objects.filter(source="notification").values_list("resultat", flat=True)
    )
    assert resultats == ["idOp inconnu : rien n'est payé"] * 2
    # Témoin : une référence connue et en cours interroge bien PayFiP, ici injoignable.
    idop = TransactionPaiement.objects.get().idop
    assert _notifier(client, ferme, idop).status_code == 200
    assert EvenementPaiement.objects.filter(
        source="notification", idop=idop, resultat__startswith="PayFiP injoignable"
    ).exists()
    assert TransactionPaiement.objects.get().etat == EtatTransaction.EN_COURS


def test_derriere_le_proxy_la_limite_vise_l_adresse_transmise(client, hote, settings):
    settings.PAYFIP_NOTIFICATIONS_PAR_MINUTE = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with time_machine.travel(_debut_de_minute()):
        # Même proxy (REMOTE_ADDR), deux clients : chacun a sa limite.
        for client_ip in ("203.0.113.7", "203.0.113.8"):
            reponse = client.post(
                reverse("facturation:paiement_notification"),
                {"idOp": "inconnu"},
                HTTP_HOST=hote,
                REMOTE_ADDR="10.0.0.1",
                HTTP_X_FORWARDED_FOR=client_ip,
            )
            assert reponse.status_code == 200
        encore = client.post(
            reverse("facturation:paiement_notification"),
            {"idOp": "inconnu"},
            HTTP_HOST=hote,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
        assert encore.status_code == 429
