"""Le prélèvement SEPA : mandats, fichier pain.008, idempotence, concurrence, rejets."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from lxml import etree

from demandes.models import Demande
from demandes.services import demande_accepter
from facturation.models import (
    Facture,
    LotPrelevement,
    Mandat,
    OperationPrelevement,
    Reglement,
)
from facturation.prelevement.models import Sequence, StatutMandat, StatutOperation
from facturation.prelevement.selectors import date_annoncee, prochain_jour_de_prelevement
from facturation.prelevement.sepa import CHEMIN_XSD
from facturation.prelevement.services import (
    lot_encaisser,
    mandat_enregistrer_signature,
    mandat_lever_suspension,
    mandats_rendre_caducs,
    operation_rejeter,
    prelevement_lancer,
)
from facturation.selectors import releve_de_compte, solde_famille
from facturation.services import factures_payables
from familles.models import Famille
from familles.services import Changement, TypeRenseignement, renseignements_demander
from tests.concurrence import en_parallele

from .prelevement import IBAN_CREANCIER, IBAN_DUPONT, IBAN_MARTIN, facture, mandat_signe, regie_sepa

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
AUJOURDHUI = date(2026, 12, 1)
JANVIER = date(2027, 1, 5)


pytestmark = pytest.mark.usefixtures("le_1er_decembre_2026")


def _lire(lot: LotPrelevement) -> etree._Element:
    with lot.fichier.open("rb") as f:
        contenu = f.read()
    schema = etree.XMLSchema(etree.parse(str(CHEMIN_XSD)))
    document = etree.fromstring(contenu)
    schema.assertValid(document)
    return document


def _transactions(document) -> list[dict]:
    resultat = []
    for pmt in document.findall(".//p:PmtInf", NS):
        sequence = pmt.findtext("p:PmtTpInf/p:SeqTp", namespaces=NS)
        jour = pmt.findtext("p:ReqdColltnDt", namespaces=NS)
        for tx in pmt.findall("p:DrctDbtTxInf", NS):
            resultat.append(
                {
                    "sequence": sequence,
                    "date": jour,
                    "e2e": tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS),
                    "montant": tx.findtext("p:InstdAmt", namespaces=NS),
                    "iban": tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS),
                    "rum": tx.findtext(".//p:MndtId", namespaces=NS),
                    "libelle": tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
                }
            )
    return resultat


# --- Mandats --------------------------------------------------------------------------


def _demander_bancaires(famille: Famille, iban: str, prelevement: bool = True) -> Demande:
    famille.refresh_from_db()
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.BANCAIRES,
        cible=famille,
        personne="",
        changements=[
            Changement(famille, "titulaire_compte", "Jean DUPONT"),
            Changement(famille, "iban", iban),
            Changement(famille, "bic", "CCBPFRPPXXX"),
            Changement(famille, "prelevement", prelevement),
        ],
    )
    assert demande is not None
    return demande


def test_accepted_bank_request_with_direct_debit_creates_mandate(famille, regie, agent):
    demande_accepter(demande=_demander_bancaires(famille, IBAN_DUPONT), agent=agent)
    mandat = Mandat.objects.get(famille=famille)
    assert mandat.statut == StatutMandat.A_SIGNER
    assert mandat.rum == f"CA{famille.numero}M001"
    assert mandat.ics == "FR72ZZZ123456"
    assert (mandat.iban, mandat.bic, mandat.titulaire) == (
        IBAN_DUPONT,
        "CCBPFRPPXXX",
        "Jean DUPONT",
    )
    # Tant qu'il n'est pas signé, rien n'est prélevé ni annoncé.
    facture(famille, regie, date(2026, 12, 1))
    with pytest.raises(ValidationError, match="Aucune facture à prélever"):
        prelevement_lancer(regie=regie, date_prelevement=JANVIER)


def test_new_iban_closes_old_mandate_and_creates_a_new_one(famille, regie, agent):
    demande_accepter(demande=_demander_bancaires(famille, IBAN_DUPONT), agent=agent)
    ancien = Mandat.objects.get(famille=famille)
    mandat_enregistrer_signature(mandat=ancien, date_signature=AUJOURDHUI)
    demande_accepter(demande=_demander_bancaires(famille, IBAN_MARTIN), agent=agent)
    ancien.refresh_from_db()
    nouveau = Mandat.objects.exclude(pk=ancien.pk).get(famille=famille)
    assert ancien.statut == StatutMandat.CLOS and ancien.clos_le == AUJOURDHUI
    assert nouveau.iban == IBAN_MARTIN and nouveau.remplace == ancien
    assert nouveau.rum.endswith("M002") and nouveau.statut == StatutMandat.A_SIGNER


def test_request_without_direct_debit_closes_the_mandate(famille, regie, agent):
    demande_accepter(demande=_demander_bancaires(famille, IBAN_DUPONT), agent=agent)
    demande_accepter(
        demande=_demander_bancaires(famille, IBAN_DUPONT, prelevement=False), agent=agent
    )
    assert Mandat.objects.get(famille=famille).statut == StatutMandat.CLOS


def test_regie_without_ics_offers_no_mandate_nor_debit(famille, cantine, agent):
    regie = cantine[0]
    demande_accepter(demande=_demander_bancaires(famille, IBAN_DUPONT), agent=agent)
    assert not Mandat.objects.exists()
    with pytest.raises(ValidationError, match="n'a pas d'identifiant créancier"):
        prelevement_lancer(regie=regie, date_prelevement=JANVIER)


def test_signature_in_the_future_is_refused(famille, regie):
    mandat = mandat_signe(famille, regie)
    Mandat.objects.filter(pk=mandat.pk).update(statut=StatutMandat.A_SIGNER)
    with pytest.raises(ValidationError, match="futur"):
        mandat_enregistrer_signature(mandat=mandat, date_signature=date(2026, 12, 2))
    mandat.refresh_from_db()
    assert mandat.statut == StatutMandat.A_SIGNER


def test_mandate_unused_for_36_months_lapses(famille, autre_famille, regie):
    mandat = mandat_signe(famille, regie)
    Mandat.objects.filter(pk=mandat.pk).update(date_signature=date(2023, 11, 30))
    recent = mandat_signe(autre_famille, regie)
    Mandat.objects.filter(pk=recent.pk).update(
        date_signature=date(2020, 1, 1), dernier_prelevement=date(2024, 1, 5)
    )
    assert mandats_rendre_caducs(aujourdhui=AUJOURDHUI) == 1
    mandat.refresh_from_db()
    recent.refresh_from_db()
    assert mandat.statut == StatutMandat.CADUC and recent.statut == StatutMandat.ACTIF


# --- Dates ----------------------------------------------------------------------------


def test_announced_date_is_the_debit_day_at_least_the_notice_after_the_invoice(famille, regie):
    assert prochain_jour_de_prelevement(regie, date(2026, 12, 5)) == date(2026, 12, 5)
    assert prochain_jour_de_prelevement(regie, date(2026, 12, 6)) == date(2027, 1, 5)
    f = facture(famille, regie, date(2026, 12, 1))
    assert date_annoncee(f, regie) == JANVIER
    f.date = date(2026, 11, 21)
    assert date_annoncee(f, regie) == date(2026, 12, 5)


# --- Le fichier -----------------------------------------------------------------------


def test_run_builds_a_valid_pain008_read_back(famille, autre_famille, regie):
    f1 = facture(famille, regie, date(2026, 12, 1), "17.00")
    f2 = facture(autre_famille, regie, date(2026, 12, 1), "8.50")
    mandat_signe(famille, regie, iban=IBAN_DUPONT)
    mandat_signe(autre_famille, regie, iban=IBAN_MARTIN)
    resultat = prelevement_lancer(regie=regie, date_prelevement=JANVIER)
    assert resultat.nombre == 2 and resultat.total == Decimal("25.50")
    lot = LotPrelevement.objects.get()
    assert lot.nombre == 2 and lot.total == Decimal("25.50")
    document = _lire(lot)
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "25.50"
    assert document.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN_CREANCIER
    ics = document.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS)
    assert ics == "FR72ZZZ123456"
    txs = {t["e2e"]: t for t in _transactions(document)}
    assert set(txs) == {f1.numero, f2.numero}
    assert txs[f1.numero]["montant"] == "17.00" and txs[f1.numero]["iban"] == IBAN_DUPONT
    assert txs[f2.numero]["montant"] == "8.50" and txs[f2.numero]["iban"] == IBAN_MARTIN
    assert {t["date"] for t in txs.values()} == {"2027-01-05"}
    assert {t["sequence"] for t in txs.values()} == {"FRST"}
    assert txs[f1.numero]["libelle"] == f"Facture {f1.numero} du 01/12/2026 au 01/12/2026"
    # Chaque facture prélevée : un règlement « Prélèvement » en attente, imputé sur elle.
    for f in (f1, f2):
        assert Facture.objects.avec_soldes().get(pk=f.pk).reste == 0
        reglement = Reglement.objects.get(affectations__facture=f)
        assert reglement.mode == "prelevement" and reglement.date == JANVIER
        assert reglement.encaisse_le is None


def test_first_debit_is_frst_then_rcur(famille, regie):
    mandat_signe(famille, regie)
    facture(famille, regie, date(2026, 12, 1))
    prelevement_lancer(regie=regie, date_prelevement=JANVIER)
    facture(famille, regie, date(2027, 1, 2))
    with time_machine.travel(date(2027, 1, 20), tick=False):
        prelevement_lancer(regie=regie, date_prelevement=date(2027, 2, 5))
    sequences = list(
        OperationPrelevement.objects.order_by("lot__date_prelevement").values_list(
            "sequence", flat=True
        )
    )
    assert sequences == [Sequence.FRST, Sequence.RCUR]
    lot = LotPrelevement.objects.get(date_prelevement=date(2027, 2, 5))
    assert [t["sequence"] for t in _transactions(_lire(lot))] == ["RCUR"]


def test_invoice_not_yet_notified_is_not_debited(famille, regie):
    mandat_signe(famille, regie)
    facture(famille, regie, date(2026, 12, 1))
    # Le 05/12 est à moins de 14 jours de la facture : elle est annoncée pour le 05/01.
    with pytest.raises(ValidationError, match="Aucune facture à prélever"):
        prelevement_lancer(regie=regie, date_prelevement=date(2026, 12, 5))
    assert not LotPrelevement.objects.exists() and not Reglement.objects.exists()


def test_run_is_idempotent_and_second_run_same_date_is_refused(famille, regie):
    mandat_signe(famille, regie)
    f = facture(famille, regie, date(2026, 12, 1))
    prelevement_lancer(regie=regie, date_prelevement=JANVIER)
    with pytest.raises(ValidationError, match="existe déjà"):
        prelevement_lancer(regie=regie, date_prelevement=JANVIER)
    # Un autre jour, la facture déjà présentée n'est pas reprise.
    with pytest.raises(ValidationError, match="Aucune facture"):
        prelevement_lancer(regie=regie, date_prelevement=date(2027, 2, 5))
    assert OperationPrelevement.objects.filter(facture=f).count() == 1
    assert Reglement.objects.count() == 1


def test_trial_run_changes_nothing(famille, regie):
    mandat_signe(famille, regie)
    facture(famille, regie, date(2026, 12, 1))
    resultat = prelevement_lancer(regie=regie, date_prelevement=JANVIER, essai=True)
    assert resultat.nombre == 1 and "seraient prélevées" in resultat.resume()
    assert not LotPrelevement.objects.exists() and not Reglement.objects.exists()


def test_run_in_the_past_is_refused(famille, regie):
    mandat_signe(famille, regie)
    facture(famille, regie, date(2026, 10, 1))
    with pytest.raises(ValidationError, match="est passée"):
        prelevement_lancer(regie=regie, date_prelevement=date(2026, 11, 5))
    assert not Reglement.objects.exists()


def test_file_only_holds_the_mandate_iban_never_the_family_record(famille, regie):
    mandat_signe(famille, regie, iban=IBAN_MARTIN)
    Famille.objects.filter(pk=famille.pk).update(iban=IBAN_DUPONT)
    facture(famille, regie, date(2026, 12, 1))
    prelevement_lancer(regie=regie, date_prelevement=JANVIER)
    lot = LotPrelevement.objects.get()
    with lot.fichier.open("rb") as f:
        contenu = f.read().decode()
    assert IBAN_MARTIN in contenu and IBAN_DUPONT not in contenu


def test_tampered_mandate_iban_stops_the_run_and_changes_nothing(famille, regie):
    mandat = mandat_signe(famille, regie)
    Mandat.objects.filter(pk=mandat.pk).update(iban="FR7630006000011234567890188")
    facture(famille, regie, date(2026, 12, 1))
    with pytest.raises(ValidationError, match="coordonnées invalides"):
        prelevement_lancer(regie=regie, date_prelevement=JANVIER)
    assert not LotPrelevement.objects.exists() and not Reglement.objects.exists()


def test_scheduled_invoice_is_not_offered_for_online_payment(famille, regie):
    f = facture(famille, regie, date(2026, 12, 1))
    assert list(factures_payables(famille)) == [f]
    mandat = mandat_signe(famille, regie)
    assert list(factures_payables(famille)) == []
    Mandat.objects.filter(pk=mandat.pk).update(statut=StatutMandat.SUSPENDU)
    assert list(factures_payables(famille)) == [f]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_make_one_file(famille, autre_famille, cantine):
    regie = regie_sepa(cantine[0])
    mandat_signe(famille, regie)
    mandat_signe(autre_famille, regie, iban=IBAN_DUPONT)
    facture(famille, regie, date(2026, 12, 1))
    facture(autre_famille, regie, date(2026, 12, 1))
    resultats = en_parallele(
        lambda: prelevement_lancer(regie=regie, date_prelevement=JANVIER),
        lambda: prelevement_lancer(regie=regie, date_prelevement=JANVIER),
    )
    assert sorted(resultats)[0].startswith("Un fichier de prélèvement existe déjà")
    assert "fait" in resultats
    assert LotPrelevement.objects.count() == 1
    assert OperationPrelevement.objects.count() == 2 and Reglement.objects.count() == 2


# --- Encaissement et rejets -----------------------------------------------------------


def _preleve(famille, regie, jour=date(2026, 12, 1), echeance=JANVIER):
    f = facture(famille, regie, jour)
    prelevement_lancer(regie=regie, date_prelevement=echeance)
    return f, OperationPrelevement.objects.get(facture=f)


def test_collected_file_marks_payments_collected(famille, regie):
    mandat_signe(famille, regie)
    _, operation = _preleve(famille, regie)
    with time_machine.travel(date(2027, 1, 8), tick=False):
        lot_encaisser(lot=operation.lot, encaisse_le=date(2027, 1, 7))
    assert Reglement.objects.get().encaisse_le == date(2027, 1, 7)
    with pytest.raises(ValidationError, match="déjà encaissé"):
        lot_encaisser(lot=operation.lot, encaisse_le=date(2027, 1, 7))


def test_reject_by_hand_makes_invoice_due_again_and_emails_the_family(
    famille, regie, django_capture_on_commit_callbacks
):
    mandat_signe(famille, regie)
    f, operation = _preleve(famille, regie)
    with (
        time_machine.travel(date(2027, 1, 9), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        operation_rejeter(operation=operation, code="am04", jour=date(2027, 1, 8))
    operation.refresh_from_db()
    assert operation.statut == StatutOperation.REJETEE
    assert operation.motif == "AM04 provision insuffisante"
    assert Facture.objects.avec_soldes().get(pk=f.pk).reste == Decimal("17.00")
    reglement = Reglement.objects.get()
    assert reglement.annule_le == date(2027, 1, 8) and not reglement.affectations.exists()
    assert solde_famille(famille) == Decimal("17.00")
    # Le relevé montre le prélèvement puis son rejet, avec le motif en français.
    releve = releve_de_compte(famille, 2026)
    assert releve.solde == Decimal("17.00")
    assert any("AM04 provision insuffisante" in o.description for o in releve.operations)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [famille.email] and f.numero in message.subject
    assert "provision insuffisante" in message.body and "17,00 €" in message.body
    # Rejetée, la facture se paie de nouveau en ligne.
    assert list(factures_payables(famille)) == [Facture.objects.get(pk=f.pk)]
    with pytest.raises(ValidationError, match="déjà rejeté"):
        operation_rejeter(operation=operation, code="AM04", jour=date(2027, 1, 8))


def test_two_rejects_in_a_row_suspend_the_mandate_until_an_agent_lifts_it(
    famille, regie, django_capture_on_commit_callbacks
):
    mandat = mandat_signe(famille, regie)
    _, premiere = _preleve(famille, regie)
    with django_capture_on_commit_callbacks(execute=True):
        operation_rejeter(operation=premiere, code="AM04", jour=JANVIER)
    mandat.refresh_from_db()
    assert mandat.statut == StatutMandat.ACTIF and mandat.rejets_consecutifs == 1
    with time_machine.travel(date(2027, 1, 20), tick=False):
        _, seconde = _preleve(famille, regie, date(2027, 1, 2), date(2027, 2, 5))
        assert seconde.sequence == Sequence.FRST  # le premier a été rejeté
        with django_capture_on_commit_callbacks(execute=True):
            operation_rejeter(operation=seconde, code="AC04", jour=date(2027, 2, 5))
    mandat.refresh_from_db()
    assert mandat.statut == StatutMandat.SUSPENDU and len(mail.outbox) == 2
    assert "suspendu" in mail.outbox[1].body
    facture(famille, regie, date(2027, 2, 1))
    with time_machine.travel(date(2027, 2, 20), tick=False):
        with pytest.raises(ValidationError, match="Aucune facture"):
            prelevement_lancer(regie=regie, date_prelevement=date(2027, 3, 5))
        mandat_lever_suspension(mandat=mandat)
        resultat = prelevement_lancer(regie=regie, date_prelevement=date(2027, 3, 5))
    assert resultat.nombre == 1


def test_cancelled_payment_cannot_be_allocated_again(famille, regie):
    from facturation.services import reglement_imputer_reste

    mandat_signe(famille, regie)
    _, operation = _preleve(famille, regie)
    operation_rejeter(operation=operation, code="MD01", jour=JANVIER)
    with pytest.raises(ValidationError, match="est annulé"):
        reglement_imputer_reste(reglement=Reglement.objects.get())


def test_direct_debit_without_iban_is_refused_and_nothing_changes(famille, regie, agent):
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.BANCAIRES,
        cible=famille,
        personne="",
        changements=[Changement(famille, "prelevement", True)],
    )
    assert demande is not None
    with pytest.raises(ValidationError, match="demande un IBAN et un BIC"):
        demande_accepter(demande=demande, agent=agent)
    famille.refresh_from_db()
    assert not famille.prelevement and not Mandat.objects.exists()
    demande.refresh_from_db()
    assert demande.statut == "en_attente"
