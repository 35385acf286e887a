from io import StringIO

from django.core.management import call_command

from facturation.models import Facture, Mandat, Regie
from facturation.prelevement.models import StatutMandat
from facturation.prelevement.selectors import date_annoncee, prenotifications
from facturation.prelevement.services import prelevement_lancer


def test_demo_martin_pays_by_direct_debit(db):
    sortie = StringIO()
    call_command("demo", stdout=sortie)
    regie = Regie.objects.get(prefixe="CA")
    assert regie.ics == "FR72ZZZ123456" and regie.jour_prelevement == 5
    mandat = Mandat.objects.get(famille__numero="1002")
    assert mandat.statut == StatutMandat.ACTIF and mandat.iban == "FR7630006000011234567890189"
    facture = Facture.objects.impayees().get(famille__numero="1002")
    annonce = prenotifications(mandat.famille, [facture])[facture.pk]
    assert annonce.etat == "prevu" and annonce.date == date_annoncee(facture, regie)
    assert annonce.texte.endswith("sur le compte FR76 **** **** 0189")
    assert f"la facture {facture.numero} sera prélevée le" in sortie.getvalue()
    # La démo se prélève vraiment : le fichier se construit à la date annoncée.
    assert prelevement_lancer(regie=regie, date_prelevement=annonce.date).nombre == 1
