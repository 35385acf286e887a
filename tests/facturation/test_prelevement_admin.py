"""Le régisseur : passage depuis l'admin, fichier téléchargé, encaissement, rejets ; la commande."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from facturation.models import LotPrelevement, Mandat, OperationPrelevement, Reglement
from facturation.prelevement.models import StatutLot, StatutMandat, StatutOperation
from familles.models import Famille

from .prelevement import IBAN_DUPONT, IBAN_MARTIN, facture, mandat_signe
from .test_prelevement_retours import pain002

pytestmark = pytest.mark.usefixtures("le_1er_decembre_2026")


def test_regisseur_runs_the_debit_from_the_admin_and_downloads_the_file(
    client_agent, regie, facture_a_prelever
):
    url = reverse("admin:facturation_regie_changelist")
    donnees = {"action": "prelever", "_selected_action": [regie.pk]}
    assert "Date du prélèvement" in client_agent.post(url, donnees).content.decode()
    passee = client_agent.post(
        url, {**donnees, "confirmer": "1", "date_prelevement": "05/11/2026"}, follow=True
    )
    assert "est passée" in passee.content.decode() and not LotPrelevement.objects.exists()
    reponse = client_agent.post(
        url, {**donnees, "confirmer": "1", "date_prelevement": "05/01/2027"}, follow=True
    )
    assert "1 facture(s) prélevées" in reponse.content.decode()
    lot = LotPrelevement.objects.get()
    page = client_agent.get(reverse("admin:facturation_lotprelevement_change", args=[lot.pk]))
    assert "Télécharger le fichier" in page.content.decode()
    fichier = client_agent.get(reverse("admin:facturation_lotprelevement_fichier", args=[lot.pk]))
    contenu = b"".join(fichier.streaming_content)
    assert b"<EndToEndId>" + facture_a_prelever.numero.encode() in contenu
    assert "attachment" in fichier["Content-Disposition"]


def test_parent_cannot_download_the_bank_file(client_parent, regie, facture_a_prelever):
    call_command("prelever", "--regie", "CA", "--date", "2027-01-05", stdout=StringIO())
    lot = LotPrelevement.objects.get()
    reponse = client_parent.get(reverse("admin:facturation_lotprelevement_fichier", args=[lot.pk]))
    assert reponse.status_code == 302 and "/login/" in reponse["Location"]


def test_regisseur_marks_collected_records_a_reject_and_imports_a_return(
    client_agent, famille, regie, facture_a_prelever
):
    call_command("prelever", "--regie", "CA", "--date", "2027-01-05", stdout=StringIO())
    operation = OperationPrelevement.objects.get()
    url = reverse("admin:facturation_operationprelevement_changelist")
    with time_machine.travel(date(2027, 1, 9), tick=False):
        client_agent.force_login(_admin())
        reponse = client_agent.post(
            url,
            {
                "action": "rejeter",
                "_selected_action": [operation.pk],
                "confirmer": "1",
                "code": "AM04",
                "jour": "08/01/2027",
            },
            follow=True,
        )
    assert "rejeté (AM04 provision insuffisante)" in reponse.content.decode()
    operation.refresh_from_db()
    assert operation.statut == StatutOperation.REJETEE
    assert Mandat.objects.get().rejets_consecutifs == 1


def _admin():
    from portail.noyau.models import User

    return User.objects.get(username="admin-test")


def test_return_file_upload_and_collection(client_agent, famille, autre_famille, regie):
    mandat_signe(famille, regie)
    mandat_signe(autre_famille, regie)
    rejetee = facture(famille, regie, date(2026, 12, 1))
    facture(autre_famille, regie, date(2026, 12, 1))
    call_command("prelever", "--regie", "CA", "--date", "2027-01-05", stdout=StringIO())
    with time_machine.travel(date(2027, 1, 9), tick=False):
        client_agent.force_login(_admin())
        url = reverse("admin:facturation_lotprelevement_retour")
        assert "pain.002 ou camt.054" in client_agent.get(url).content.decode()
        mauvais = client_agent.post(
            url, {"regie": regie.pk, "fichier": SimpleUploadedFile("r.xml", b"<pas")}
        )
        assert "pas un fichier XML lisible" in mauvais.content.decode()
        reponse = client_agent.post(
            url,
            {
                "regie": regie.pk,
                "fichier": SimpleUploadedFile("r.xml", pain002((rejetee.numero, "MD01"))),
            },
            follow=True,
        )
        assert "1 rejet(s) enregistré(s)" in reponse.content.decode()
        lot = LotPrelevement.objects.get()
        client_agent.post(
            reverse("admin:facturation_lotprelevement_changelist"),
            {
                "action": "encaisser",
                "_selected_action": [lot.pk],
                "confirmer": "1",
                "jour": "09/01/2027",
            },
        )
    lot.refresh_from_db()
    assert lot.statut == StatutLot.ENCAISSE
    encaisses = Reglement.objects.filter(encaisse_le=date(2027, 1, 9))
    assert encaisses.count() == 1 and encaisses.get().famille == autre_famille
    assert Reglement.objects.get(famille=famille).annule_le is not None


def test_agent_records_paper_signature_and_lifts_a_suspension(client_agent, famille, regie):
    mandat = mandat_signe(famille, regie)
    Mandat.objects.filter(pk=mandat.pk).update(statut=StatutMandat.A_SIGNER, date_signature=None)
    url = reverse("admin:facturation_mandat_changelist")
    client_agent.post(
        url,
        {
            "action": "signature_papier",
            "_selected_action": [mandat.pk],
            "confirmer": "1",
            "jour": "30/11/2026",
        },
    )
    mandat.refresh_from_db()
    assert mandat.statut == StatutMandat.ACTIF and mandat.date_signature == date(2026, 11, 30)
    Mandat.objects.filter(pk=mandat.pk).update(statut=StatutMandat.SUSPENDU, rejets_consecutifs=2)
    client_agent.post(url, {"action": "lever_suspension", "_selected_action": [mandat.pk]})
    mandat.refresh_from_db()
    assert mandat.statut == StatutMandat.ACTIF and mandat.rejets_consecutifs == 0
    pdf = client_agent.get(reverse("admin:facturation_mandat_pdf", args=[mandat.pk]))
    assert pdf["Content-Type"] == "application/pdf"


def test_command_trial_then_run_then_second_run_refused(famille, regie, facture_a_prelever):
    sortie = StringIO()
    call_command("prelever", "--regie", "CA", "--date", "2027-01-05", "--essai", stdout=sortie)
    assert "1 facture(s) seraient prélevées" in sortie.getvalue()
    assert not LotPrelevement.objects.exists()
    sortie = StringIO()
    call_command("prelever", "--regie", "CA", "--date", "2027-01-05", stdout=sortie)
    assert "1 facture(s) prélevées (1 premier(s) prélèvement(s)), total 17,00 €" in (
        sortie.getvalue()
    )
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("prelever", "--regie", "CA", "--date", "2027-01-05")
    with pytest.raises(CommandError, match="sous la forme 2027-01-05"):
        call_command("prelever", "--regie", "CA", "--date", "05/01/2027")
    with pytest.raises(CommandError, match="Aucune régie « ZZ »"):
        call_command("prelever", "--regie", "ZZ", "--date", "2027-01-05")
    assert IBAN_MARTIN in LotPrelevement.objects.get().fichier.open().read().decode()


def test_regie_change_page_sets_ics_creditor_and_debit_day(client_agent, regie):
    page = client_agent.get(reverse("admin:facturation_regie_change", args=[regie.pk]))
    html = page.content.decode()
    for libelle in (
        "Identifiant créancier SEPA (ICS)",
        "Nom du créancier",
        "Jour du prélèvement",
        "Délai de pré-notification (jours)",
    ):
        assert libelle in html
    assert 'value="FR72ZZZ123456"' in html


def test_rejected_payment_is_read_only_in_the_admin(
    client_agent, famille, regie, facture_a_prelever
):
    from facturation.prelevement.services import operation_rejeter

    call_command("prelever", "--regie", "CA", "--date", "2027-01-05", stdout=StringIO())
    operation_rejeter(
        operation=OperationPrelevement.objects.get(), code="AM04", jour=date(2027, 1, 5)
    )
    reglement = Reglement.objects.get()
    url = reverse("admin:facturation_reglement_change", args=[reglement.pk])
    html = client_agent.get(url).content.decode()
    assert "Prélèvement rejeté : AM04 provision insuffisante" in html
    assert 'name="encaisse_le"' not in html
    client_agent.post(
        reverse("admin:facturation_reglement_changelist"),
        {"action": "encaisser_aujourdhui", "_selected_action": [reglement.pk]},
    )
    reglement.refresh_from_db()
    assert reglement.encaisse_le is None


def _formulaire_famille(client_agent, famille, **changes):
    """Les données de la fiche famille de l'admin telles qu'affichées, avec ``changes``."""
    url = reverse("admin:familles_famille_change", args=[famille.pk])
    page = client_agent.get(url)
    formulaire = page.context["adminform"].form
    donnees = {}
    for nom, champ in formulaire.fields.items():
        valeur = formulaire.initial.get(nom, champ.initial)
        if isinstance(valeur, date):
            valeur = valeur.strftime("%d/%m/%Y")
        if valeur is not None and valeur is not False:
            donnees[nom] = valeur
    for formset in page.context["inline_admin_formsets"]:
        fs = formset.formset
        donnees[f"{fs.prefix}-TOTAL_FORMS"] = len(fs.forms)
        donnees[f"{fs.prefix}-INITIAL_FORMS"] = len(fs.initial_forms)
        for i, form in enumerate(fs.forms):
            for nom in form.fields:
                valeur = form.initial.get(nom)
                if nom == "id":
                    valeur = form.instance.pk
                elif nom == "famille":
                    valeur = famille.pk
                if isinstance(valeur, date):
                    valeur = valeur.strftime("%d/%m/%Y")
                if valeur is not None and valeur is not False:
                    donnees[f"{fs.prefix}-{i}-{nom}"] = valeur
    donnees.update(changes)
    return url, {k: v for k, v in donnees.items() if v is not None}


def test_iban_change_dans_l_admin_remplace_le_mandat(client_agent, famille, regie):
    """Un agent qui corrige l'IBAN d'un foyer au prélèvement dans l'admin : comme une demande
    acceptée, l'ancien mandat est clos et un nouveau, à signer, porte le nouvel IBAN."""
    ancien = mandat_signe(famille, regie)
    Famille.objects.filter(pk=famille.pk).update(
        iban=IBAN_MARTIN, bic="AGRIFRPP", prelevement=True, titulaire_compte="M. MARTIN"
    )
    famille.refresh_from_db()
    url, donnees = _formulaire_famille(client_agent, famille, iban=IBAN_DUPONT, bic="CCBPFRPPXXX")
    reponse = client_agent.post(url, donnees)
    assert reponse.status_code == 302, reponse.context["adminform"].form.errors
    ancien.refresh_from_db()
    assert ancien.statut == StatutMandat.CLOS
    nouveau = Mandat.objects.exclude(pk=ancien.pk).get(famille=famille)
    assert (nouveau.iban, nouveau.bic, nouveau.statut) == (
        IBAN_DUPONT,
        "CCBPFRPPXXX",
        StatutMandat.A_SIGNER,
    )
    assert nouveau.remplace == ancien
    # Enregistrer la fiche sans toucher aux coordonnées ne crée rien de plus.
    url, donnees = _formulaire_famille(client_agent, famille, ville="Haisnes")
    assert client_agent.post(url, donnees).status_code == 302
    assert Mandat.objects.filter(famille=famille).count() == 2


def test_prelevement_sans_iban_refuse_dans_l_admin(client_agent, famille, regie):
    url, donnees = _formulaire_famille(client_agent, famille, prelevement="on", iban="", bic="")
    reponse = client_agent.post(url, donnees)
    assert reponse.status_code == 200
    assert "Le prélèvement automatique demande un IBAN et un BIC." in reponse.content.decode()
    famille.refresh_from_db()
    assert not famille.prelevement
    assert not Mandat.objects.filter(famille=famille).exists()
