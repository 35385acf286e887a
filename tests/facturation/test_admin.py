import html
import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from facturation.models import Facture, Reglement
from facturation.services import reglement_enregistrer

from .factories import ReservationFactory, facturer_jours


def test_agent_runs_billing_from_the_admin(client_agent, famille, cantine):
    regie, repas = cantine
    ReservationFactory(enfant=famille.enfants.get(), unite=repas, date=date(2026, 11, 3))
    url = reverse("admin:facturation_regie_changelist")
    page = client_agent.post(url, {"action": "facturer", "_selected_action": [regie.pk]})
    assert "Mois à facturer" in page.content.decode()
    erreur = client_agent.post(
        url,
        {"action": "facturer", "_selected_action": [regie.pk], "confirmer": "1", "mois": "13/2026"},
    )
    assert "Indiquez le mois sous la forme 2026-11." in erreur.content.decode()
    assert not Facture.objects.exists()
    reponse = client_agent.post(
        url,
        {"action": "facturer", "_selected_action": [regie.pk], "confirmer": "1", "mois": "2026-11"},
        follow=True,
    )
    assert "1 facture(s) émises" in reponse.content.decode()
    assert Facture.objects.get().total == Decimal("3.40")


def test_agent_issues_a_credit_note(client_agent, famille, cantine):
    facture = facturer_jours(famille, cantine[1], [date(2026, 9, 1), date(2026, 9, 2)])
    url = reverse("admin:facturation_facture_changelist")
    donnees = {"action": "emettre_avoir", "_selected_action": [facture.pk], "confirmer": "1"}
    trop = client_agent.post(url, {**donnees, "montant": "50", "motif": "Erreur"})
    assert "dépasse le reste à régler" in trop.content.decode()
    client_agent.post(url, {**donnees, "montant": "3.40", "motif": "Repas non servi"})
    avoir = Facture.objects.get(facture_corrigee=facture)
    assert avoir.total == Decimal("-3.40")
    liste = client_agent.get(url).content.decode()
    assert avoir.numero in liste
    assert (
        client_agent.get(reverse("admin:facturation_facture_pdf", args=[facture.pk]))[
            "Content-Type"
        ]
        == "application/pdf"
    )


def test_agent_records_a_payment_and_its_collection(client_agent, famille, cantine):
    regie, repas = cantine
    facture = facturer_jours(famille, repas, [date(2026, 9, 1)])
    url = reverse("admin:facturation_reglement_enregistrer")
    assert (
        "Enregistrer un règlement"
        in client_agent.get(reverse("admin:facturation_reglement_changelist")).content.decode()
    )
    mauvais = client_agent.post(
        url,
        {
            "famille": famille.pk,
            "regie": regie.pk,
            "date": "2026-10-01",
            "mode": "cheque",
            "montant": "-2",
        },
    )
    assert mauvais.status_code == 200 and not Reglement.objects.exists()
    reponse = client_agent.post(
        url,
        {
            "famille": famille.pk,
            "regie": regie.pk,
            "date": "2026-10-01",
            "mode": "cheque",
            "montant": "3.40",
            "reference": "CHQ 1",
            "factures": [facture.pk],
        },
    )
    assert reponse.status_code == 302
    reglement = Reglement.objects.get()
    assert Facture.objects.avec_soldes().get().reste == Decimal("0.00")
    change = reverse("admin:facturation_reglement_change", args=[reglement.pk])
    assert facture.numero in client_agent.get(change).content.decode()
    client_agent.post(change, {"encaisse_le": "2026-10-05"})
    reglement.refresh_from_db()
    assert reglement.encaisse_le == date(2026, 10, 5)


def test_transactions_and_log_are_visible_in_the_admin(client_agent, famille, cantine):
    reglement_enregistrer(famille=famille, regie=cantine[0], montant="1", mode="especes")
    for nom in ("transactionpaiement", "evenementpaiement", "tarif", "regie", "reglement"):
        assert client_agent.get(reverse(f"admin:facturation_{nom}_changelist")).status_code == 200


def test_agent_allocates_the_free_part_of_a_payment(client_agent, famille, cantine):
    regie, repas = cantine
    reglement = reglement_enregistrer(famille=famille, regie=regie, montant="5", mode="virement")
    facture = facturer_jours(famille, repas, [date(2026, 9, 1), date(2026, 9, 2)])  # 6,80
    client_agent.post(
        reverse("admin:facturation_reglement_changelist"),
        {"action": "imputer_reste", "_selected_action": [reglement.pk]},
    )
    assert Facture.objects.avec_soldes().get(pk=facture.pk).reste == Decimal("1.80")
    client_agent.post(
        reverse("admin:facturation_reglement_changelist"),
        {"action": "imputer_reste", "_selected_action": [reglement.pk]},
    )
    assert Facture.objects.avec_soldes().get(pk=facture.pk).reste == Decimal("1.80")
    assert reglement.affectations.get().montant == Decimal("5.00")


def test_plain_agent_cannot_reach_billing_but_regisseur_can(client, db, famille, cantine):
    from django.contrib.auth.models import Group

    from portail.groupes import REGISSEUR, groupes_mettre_a_jour
    from tests.factories import UserFactory

    groupes_mettre_a_jour()
    facture = facturer_jours(famille, cantine[1], [date(2026, 9, 1)])
    agent = UserFactory(username="guichet", is_staff=True)
    agent.groups.add(Group.objects.get(name="agent"))
    client.force_login(agent)
    assert (
        client.get(reverse("admin:facturation_facture_pdf", args=[facture.pk])).status_code == 403
    )
    assert client.get(reverse("admin:facturation_reglement_enregistrer")).status_code == 403
    regisseur = UserFactory(username="regisseur", is_staff=True)
    regisseur.groups.add(Group.objects.get(name=REGISSEUR))
    client.force_login(regisseur)
    assert (
        client.get(reverse("admin:facturation_facture_pdf", args=[facture.pk])).status_code == 200
    )
    assert client.get(reverse("admin:facturation_reglement_enregistrer")).status_code == 200
    assert (
        "Lancer la facturation"
        in client.get(reverse("admin:facturation_regie_changelist")).content.decode()
    )


def test_billing_a_month_not_over_asks_for_confirmation_and_defaults_to_a_trial(
    client_agent, admin_user_portail, famille, cantine
):
    regie, repas = cantine
    ReservationFactory(enfant=famille.enfants.get(), unite=repas, date=date(2026, 12, 3))
    url = reverse("admin:facturation_regie_changelist")
    base = {"action": "facturer", "_selected_action": [regie.pk], "confirmer": "1"}
    avertissement = (
        "Le mois de décembre 2026 n'est pas terminé : les absences déclarées après la "
        "facturation ne seront pas déduites."
    )
    with time_machine.travel(datetime(2026, 12, 15, 10, tzinfo=ZoneInfo("Europe/Paris"))):
        client_agent.force_login(admin_user_portail)  # session du jour simulé
        page = client_agent.post(url, {"action": "facturer", "_selected_action": [regie.pk]})
        assert re.search(r'<input[^>]*name="essai"[^>]*checked', page.content.decode())
        refus = html.unescape(client_agent.post(url, {**base, "mois": "2026-12"}).content.decode())
        assert avertissement in refus and "Facturer quand même" in refus
        assert not Facture.objects.exists()
        essai = client_agent.post(url, {**base, "mois": "2026-12", "essai": "on"}, follow=True)
        assert avertissement in html.unescape(essai.content.decode())
        assert not Facture.objects.exists()
        client_agent.post(url, {**base, "mois": "2026-12", "mois_en_cours": "on"})
        assert Facture.objects.get().total == Decimal("3.40")


def test_admin_writes_amounts_in_euros_and_offers_only_invoices_left_to_pay(
    client_agent, famille, cantine
):
    regie, repas = cantine
    payee = facturer_jours(famille, repas, [date(2026, 9, 1)])
    reglement_enregistrer(famille=famille, regie=regie, montant="3.40", mode="cheque")
    due = facturer_jours(famille, repas, [date(2026, 10, 1), date(2026, 10, 2)])
    liste = html.unescape(
        client_agent.get(reverse("admin:facturation_facture_changelist")).content.decode()
    )
    assert "6,80\xa0€" in liste or "6,80 €" in liste
    assert ">6.80<" not in liste and ">6,80<" not in liste
    fiche = html.unescape(
        client_agent.get(
            reverse("admin:facturation_reglement_change", args=[Reglement.objects.get().pk])
        ).content.decode()
    )
    assert re.search(r"3,40\s€", fiche)
    formulaire = client_agent.get(reverse("admin:facturation_reglement_enregistrer"))
    texte = html.unescape(formulaire.content.decode())
    assert due.numero in texte and payee.numero not in texte
    assert re.search(rf"{due.numero} — .* — reste 6,80\s€ sur 6,80\s€", texte)


def test_admin_generic_wording_is_plain_french(client_agent, famille, cantine):
    facturer_jours(famille, cantine[1], [date(2026, 9, 1)])
    facturer_jours(famille, cantine[1], [date(2026, 10, 1)])
    url = reverse("admin:facturation_facture_changelist")
    page = html.unescape(client_agent.get(url, {"q": "CA000001"}).content.decode())
    assert "sur 2 au total" in page and "(2 résultats)" not in page
    regie = html.unescape(
        client_agent.get(
            reverse("admin:facturation_regie_change", args=[cantine[0].pk])
        ).content.decode()
    )
    # Le texte du bouton est dans le JSON des lignes : « é » y est écrit \u00e9.
    assert "Ajouter une ligne (Activit\\u00e9 factur\\u00e9e)" in regie
    assert "Ajouter un objet" not in regie
