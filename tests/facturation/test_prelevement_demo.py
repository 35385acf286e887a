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


def test_home_announces_the_next_direct_debit_only_with_a_mandate(client, db):
    from familles.models import Famille
    from portail.noyau.models import Configuration, User
    from tests.factories import compte_de

    call_command("demo", stdout=StringIO())
    martin = Famille.objects.get(numero="1002")
    facture = Facture.objects.impayees().get(famille=martin)
    # Première connexion faite : mot de passe choisi, conditions acceptées.
    User.objects.filter(responsable__famille__numero__in=["1001", "1002"]).update(
        doit_changer_mot_de_passe=False, cgu_version=Configuration.objects.get().cgu_version
    )
    client.force_login(compte_de(martin))
    jour = date_annoncee(facture, facture.regie)
    assert (
        f"Prochain prélèvement : le <strong>{jour:%d/%m/%Y}</strong>"
        in client.get("/").content.decode()
    )
    dupont = Famille.objects.get(numero="1001")
    assert Facture.objects.impayees().filter(famille=dupont).exists()
    client.force_login(compte_de(dupont))
    assert "Prochain prélèvement" not in client.get("/").content.decode()
