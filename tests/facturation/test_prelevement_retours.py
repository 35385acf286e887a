"""Les fichiers retour de la banque : pain.002 et camt.054, lus avec lxml."""

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from facturation.models import Facture, Mandat, OperationPrelevement
from facturation.prelevement.models import StatutMandat, StatutOperation
from facturation.prelevement.retours import lire_retour
from facturation.prelevement.services import prelevement_lancer, retour_importer

from .prelevement import facture, mandat_signe, regie_sepa


def pain002(*rejets: tuple[str, str], acceptee: str = "") -> bytes:
    transactions = "".join(
        f"""<TxInfAndSts><StsId>S{i}</StsId><OrgnlEndToEndId>{ref}</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>{code}</Cd></Rsn></StsRsnInf></TxInfAndSts>"""
        for i, (ref, code) in enumerate(rejets)
    )
    if acceptee:
        transactions += (
            f"<TxInfAndSts><OrgnlEndToEndId>{acceptee}</OrgnlEndToEndId>"
            "<TxSts>ACSC</TxSts></TxInfAndSts>"
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>RETOUR-1</MsgId><CreDtTm>2027-01-08T10:00:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>X</OrgnlMsgId><OrgnlMsgNmId>pain.008.001.02</OrgnlMsgNmId>
    </OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts><OrgnlPmtInfId>P1</OrgnlPmtInfId>{transactions}</OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>""".encode()


def camt054(ref: str, code: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>CAMT-1</MsgId><CreDtTm>2027-01-09T08:00:00</CreDtTm></GrpHdr>
    <Ntfctn><Id>N1</Id><CreDtTm>2027-01-09T08:00:00</CreDtTm>
      <Ntry><Amt Ccy="EUR">17.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>{ref}</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">17.00</Amt></TxAmt></AmtDtls>
          <RtrInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>Retour</AddtlInf></RtrInf>
        </TxDtls></NtryDtls>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>""".encode()


@pytest.fixture
def prelevees(famille, autre_famille, cantine):
    with time_machine.travel(date(2026, 12, 1), tick=False):
        regie = regie_sepa(cantine[0])
        mandat_signe(famille, regie)
        mandat_signe(autre_famille, regie)
        f1 = facture(famille, regie, date(2026, 12, 1))
        f2 = facture(autre_famille, regie, date(2026, 12, 1))
        prelevement_lancer(regie=regie, date_prelevement=date(2027, 1, 5))
    return regie, f1, f2


def test_pain002_reader_keeps_only_rejected_transactions():
    type_message, rejets = lire_retour(pain002(("CA000001", "AM04"), acceptee="CA000002"))
    assert type_message == "pain.002"
    assert [(r.reference, r.code) for r in rejets] == [("CA000001", "AM04")]


def test_unreadable_or_foreign_file_is_refused():
    with pytest.raises(ValidationError, match="pas un fichier XML lisible"):
        lire_retour(b"pas du xml")
    with pytest.raises(ValidationError, match=r"ni un rapport pain\.002"):
        lire_retour(b'<Document xmlns="urn:x"><Autre/></Document>')


def test_xml_entities_are_not_expanded():
    bombe = b"""<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<Document><CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts>
<OrgnlEndToEndId>&e;</OrgnlEndToEndId><TxSts>RJCT</TxSts></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>"""
    _, rejets = lire_retour(bombe)
    assert all("root" not in r.reference for r in rejets)


def test_pain002_import_rejects_the_debit(prelevees, famille, django_capture_on_commit_callbacks):
    regie, f1, f2 = prelevees
    with (
        time_machine.travel(date(2027, 1, 8), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        resultat = retour_importer(
            regie=regie, contenu=pain002((f1.numero, "AM04"), ("XX999999", "MD01"))
        )
    assert resultat.rejetees == [f1.numero] and resultat.inconnues == ["XX999999"]
    assert "1 rejet(s) enregistré(s)" in resultat.resume()
    operation = OperationPrelevement.objects.get(facture=f1)
    assert operation.statut == StatutOperation.REJETEE and operation.code_rejet == "AM04"
    assert Facture.objects.avec_soldes().get(pk=f1.pk).reste == 17
    assert Facture.objects.avec_soldes().get(pk=f2.pk).reste == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [famille.email]
    # Le même fichier importé deux fois ne rejette rien de plus.
    with time_machine.travel(date(2027, 1, 8), tick=False):
        again = retour_importer(regie=regie, contenu=pain002((f1.numero, "AM04")))
    assert again.deja == [f1.numero] and again.rejetees == []


def test_camt054_import_rejects_with_the_reason(prelevees, famille):
    regie, f1, _ = prelevees
    with time_machine.travel(date(2027, 1, 9), tick=False):
        resultat = retour_importer(regie=regie, contenu=camt054(f1.numero, "AC04"))
    assert resultat.type_message == "camt.054" and resultat.rejetees == [f1.numero]
    operation = OperationPrelevement.objects.get(facture=f1)
    assert operation.motif == "AC04 compte clôturé"
    mandat = Mandat.objects.get(famille=famille)
    assert mandat.rejets_consecutifs == 1 and mandat.statut == StatutMandat.ACTIF


def test_two_rejects_in_a_row_by_file_suspend_the_mandate(prelevees, famille):
    regie, f1, _ = prelevees
    with time_machine.travel(date(2027, 1, 9), tick=False):
        retour_importer(regie=regie, contenu=pain002((f1.numero, "AM04")))
    with time_machine.travel(date(2027, 1, 20), tick=False):
        f3 = facture(famille, regie, date(2027, 1, 20))
    with time_machine.travel(date(2027, 2, 4), tick=False):
        prelevement_lancer(regie=regie, date_prelevement=date(2027, 2, 5))
    with time_machine.travel(date(2027, 2, 9), tick=False):
        retour_importer(regie=regie, contenu=camt054(f3.numero, "AM04"))
    mandat = Mandat.objects.get(famille=famille)
    assert mandat.statut == StatutMandat.SUSPENDU and mandat.rejets_consecutifs == 2
