from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from demandes.models import Demande, StatutDemande
from demandes.services import demande_accepter, demande_annuler, demande_refuser
from familles.models import Enfant, PersonneAutorisee, Responsable, Role
from familles.services import (
    Changement,
    TypeRenseignement,
    ajout_demander,
    renseignement_valeur_actuelle,
    renseignements_demander,
)
from portail.noyau.registre import type_demande
from tests.factories import compte_de


def _demander_profession(famille, jean, profession="Infirmier"):
    return renseignements_demander(
        famille=famille,
        type=TypeRenseignement.RESPONSABLE,
        cible=jean,
        personne=jean.prenom,
        changements=[
            Changement(objet=jean, champ="profession", valeur=profession),
            Changement(objet=jean, champ="nom", valeur=jean.nom),  # inchangé : pas de ligne
        ],
        auteur=compte_de(famille),
    )


def test_chaque_type_est_enregistre_avec_son_filtre():
    libelles = {t.value: type_demande(t.value).libelle_filtre for t in TypeRenseignement}
    assert libelles == {
        "responsable": "Responsable",
        "conjoint": "Conjoint",
        "fiscales": "Fiscales",
        "caf": "CAF",
        "bancaires": "Bancaires",
        "enfants": "Enfants",
        "autorisations": "Autorisations",
        "sanitaire": "Données sanitaires",
    }


def test_une_demande_ne_change_rien_avant_acceptation(famille, jean, agent):
    jean.profession = "Technicien"
    jean.save()
    demande = _demander_profession(famille, jean)
    assert demande.resume == "Modification de 1 renseignement pour Jean"
    assert demande.statut == StatutDemande.EN_ATTENTE
    ligne = demande.lignes.get()
    assert (ligne.libelle, ligne.ancienne_valeur, ligne.nouvelle_valeur) == (
        "Profession",
        "Technicien",
        "Infirmier",
    )
    jean.refresh_from_db()
    assert jean.profession == "Technicien"


def test_accepter_applique_et_repond(famille, jean, agent, django_capture_on_commit_callbacks):
    demande = _demander_profession(famille, jean)
    with django_capture_on_commit_callbacks(execute=True):
        demande = demande_accepter(demande=demande, agent=agent)
    jean.refresh_from_db()
    assert jean.profession == "Infirmier"
    assert demande.reponse == "1 renseignement modifié (Profession)"
    # L'historique garde l'agent, la raison et l'ancienne valeur.
    dernier = jean.history.first()
    assert dernier.history_user == agent
    assert f"Demande n° {demande.pk}" in dernier.history_change_reason
    assert dernier.diff_against(dernier.prev_record).changes[0].old == ""
    # La famille est prévenue par e-mail (tâche Celery exécutée ici sur place).
    assert len(mail.outbox) == 1
    assert famille.email in mail.outbox[0].to


def test_refuser_ne_change_rien(famille, jean, agent):
    demande = _demander_profession(famille, jean)
    demande_refuser(demande=demande, agent=agent, motif="Justificatif manquant")
    jean.refresh_from_db()
    assert jean.profession == ""


def test_double_acceptation_applique_une_seule_fois(famille, jean, agent):
    demande = _demander_profession(famille, jean)
    demande_accepter(demande=demande, agent=agent)
    nb_versions = jean.history.count()
    with pytest.raises(ValidationError):
        demande_accepter(demande=demande, agent=agent)
    assert jean.history.count() == nb_versions


def test_plusieurs_champs_et_reponse_au_pluriel(famille, lise, agent):
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.SANITAIRE,
        cible=lise,
        personne="Lise",
        changements=[
            Changement(objet=lise, champ="allergies", valeur="Arachide"),
            Changement(objet=lise, champ="pai", valeur=True),
            Changement(objet=lise, champ="medecin_telephone", valeur="03 21 00 00 00"),
        ],
    )
    assert demande.resume == "Modification de 3 renseignements pour Lise"
    assert [(ligne.ancienne_valeur, ligne.nouvelle_valeur) for ligne in demande.lignes.all()] == [
        ("", "Arachide"),
        ("Non", "Oui"),
        ("", "03 21 00 00 00"),
    ]
    demande = demande_accepter(demande=demande, agent=agent)
    assert demande.reponse == (
        "3 renseignements modifiés (Allergies, PAI (projet d'accueil individualisé), "
        "Téléphone du médecin)"
    )
    lise.refresh_from_db()
    assert lise.allergies == "Arachide"
    assert lise.pai is True
    assert lise.medecin_telephone == "03 21 00 00 00"


def test_valeur_actuelle_signale_un_changement_entre_temps(famille, jean, agent):
    jean.telephone_mobile = "06 00 00 00 01"
    jean.save()
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.RESPONSABLE,
        cible=jean,
        personne="Jean",
        changements=[Changement(objet=jean, champ="telephone_mobile", valeur="06 00 00 00 02")],
    )
    ligne = demande.lignes.get()
    assert renseignement_valeur_actuelle(ligne=ligne) == ligne.ancienne_valeur == "06 00 00 00 01"
    # Un agent modifie la fiche dans l'administration avant de traiter la demande.
    Responsable.objects.filter(pk=jean.pk).update(telephone_mobile="06 00 00 00 09")
    assert renseignement_valeur_actuelle(ligne=ligne) == "06 00 00 00 09" != ligne.ancienne_valeur
    assert type_demande("responsable").valeur_actuelle(ligne=ligne) == "06 00 00 00 09"


def test_valeurs_affichees_lisibles_et_appliquees(famille, jean, lise, agent):
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.ENFANTS,
        cible=lise,
        personne="Lise",
        changements=[
            Changement(objet=lise, champ="date_naissance", valeur=date(2016, 3, 4)),
            Changement(objet=lise, champ="adresse_de", valeur=jean),
            Changement(objet=lise, champ="lunettes", valeur=True),
        ],
    )
    assert [(ligne.libelle, ligne.nouvelle_valeur) for ligne in demande.lignes.all()] == [
        ("Date de naissance", "04/03/2016"),
        ("Adresse", "L'adresse de Jean"),
        ("Porte des lunettes", "Oui"),
    ]
    demande_accepter(demande=demande, agent=agent)
    lise.refresh_from_db()
    assert (lise.date_naissance, lise.adresse_de, lise.lunettes) == (date(2016, 3, 4), jean, True)


def test_iban_masque_dans_la_demande_et_applique_en_entier(famille, agent):
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.BANCAIRES,
        cible=famille,
        personne="la famille DUPONT",
        changements=[
            Changement(objet=famille, champ="iban", valeur="FR7630006000011234567890189"),
            Changement(objet=famille, champ="revenu_fiscal", valeur=Decimal("25000")),
        ],
    )
    iban, revenu = demande.lignes.all()
    assert iban.nouvelle_valeur == "FR76 •••• •••• •••• •••• •••0 189"
    assert revenu.nouvelle_valeur == "25 000,00 €"
    demande_accepter(demande=demande, agent=agent)
    famille.refresh_from_db()
    assert famille.iban == "FR7630006000011234567890189"
    assert famille.revenu_fiscal == Decimal("25000")


def test_aucun_changement_ne_cree_rien(famille, jean):
    assert _demander_profession(famille, jean, profession="") is None
    assert not Demande.objects.exists()


def test_objet_d_une_autre_famille_refuse(famille, autre_famille):
    claire = autre_famille.responsables.get()
    with pytest.raises(ValidationError):
        renseignements_demander(
            famille=famille,
            type=TypeRenseignement.RESPONSABLE,
            cible=claire,
            personne="Claire",
            changements=[Changement(objet=claire, champ="profession", valeur="X")],
        )
    assert not Demande.objects.exists()


def test_champ_non_modifiable_refuse(famille, lise):
    with pytest.raises(ValidationError):
        renseignements_demander(
            famille=famille,
            type=TypeRenseignement.ENFANTS,
            cible=lise,
            personne="Lise",
            changements=[Changement(objet=lise, champ="actif", valeur=False)],
        )
    assert not Demande.objects.exists()


def test_valeur_devenue_invalide_bloque_l_application(famille, jean, agent):
    demande = _demander_profession(famille, jean)
    demande.lignes.update(donnees={**demande.lignes.get().donnees, "valeur": "<script>"})
    with pytest.raises(ValidationError, match="Profession"):
        demande_accepter(demande=demande, agent=agent)
    jean.refresh_from_db()
    assert jean.profession == ""
    assert Demande.objects.get().statut == StatutDemande.EN_ATTENTE


def test_ajout_d_un_enfant(famille, jean, agent):
    demande = ajout_demander(
        famille=famille,
        type=TypeRenseignement.ENFANTS,
        valeurs={
            "nom": "DUPONT",
            "prenom": "Paul",
            "sexe": "M",
            "date_naissance": date(2021, 6, 1),
            "adresse_de": jean,
            "lunettes": False,
            "ecole": "",
        },
        auteur=compte_de(famille),
    )
    assert demande.resume == "Ajout de l'enfant Paul"
    assert not Enfant.objects.filter(prenom="Paul").exists()
    demande = demande_accepter(demande=demande, agent=agent)
    paul = Enfant.objects.get(prenom="Paul")
    assert (paul.famille, paul.adresse_de, paul.date_naissance) == (famille, jean, date(2021, 6, 1))
    assert demande.reponse == "Enfant Paul ajouté au dossier."
    assert paul.history.get().history_user == agent


def test_ajout_d_un_conjoint_une_seule_fois(famille, agent):
    valeurs = {"nom": "DUPONT", "prenom": "Jeanne", "qualite": "mere", "accepte_email": False}
    premiere = ajout_demander(famille=famille, type=TypeRenseignement.CONJOINT, valeurs=valeurs)
    with pytest.raises(ValidationError, match="déjà été envoyée"):
        ajout_demander(famille=famille, type=TypeRenseignement.CONJOINT, valeurs=valeurs)
    seconde = ajout_demander(
        famille=famille,
        type=TypeRenseignement.CONJOINT,
        valeurs={**valeurs, "prenom": "Jeanne-Marie"},
    )
    demande_accepter(demande=premiere, agent=agent)
    jeanne = famille.responsables.get(role=Role.CONJOINT)
    assert (jeanne.prenom, jeanne.accepte_email) == ("Jeanne", False)
    with pytest.raises(ValidationError, match="déjà un conjoint"):
        demande_accepter(demande=seconde, agent=agent)
    assert famille.responsables.filter(role=Role.CONJOINT).count() == 1


def test_autorisations_ajout_modification_suppression(famille, lise, mamie, agent):
    voisin = PersonneAutorisee.objects.create(
        enfant=lise, famille=lise.famille, nom="MARTIN", prenom="Luc", telephone="06 11 11 11 11"
    )
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.AUTORISATIONS,
        cible=lise,
        personne="Lise",
        changements=[
            Changement(objet=mamie, champ="telephone", valeur="06 99 99 99 99", precision="M"),
        ],
        ajouts_personnes=[
            {"prenom": "Paul", "nom": "DUPUIS", "telephone": "06 22 22 22 22", "lien": "Oncle"}
        ],
        suppressions_personnes=[voisin],
    )
    assert demande.resume == "Modification de 3 renseignements pour Lise"
    assert PersonneAutorisee.objects.filter(enfant=lise).count() == 2
    demande = demande_accepter(demande=demande, agent=agent)
    assert sorted(lise.personnes_autorisees.values_list("prenom", "telephone")) == [
        ("Martine", "06 99 99 99 99"),
        ("Paul", "06 22 22 22 22"),
    ]
    assert demande.reponse == (
        "3 renseignements modifiés (Téléphone (M), ajout de Paul DUPUIS, suppression de Luc MARTIN)"
    )


def test_annulation_par_la_famille_ne_change_rien(famille, jean):
    demande = _demander_profession(famille, jean)
    demande_annuler(demande=demande, famille=famille)
    jean.refresh_from_db()
    assert jean.profession == ""


def test_suppression_d_une_personne_deja_supprimee(famille, lise, mamie, agent):
    demande = renseignements_demander(
        famille=famille,
        type=TypeRenseignement.AUTORISATIONS,
        cible=lise,
        personne="Lise",
        changements=[],
        suppressions_personnes=[mamie],
    )
    assert (
        renseignement_valeur_actuelle(ligne=demande.lignes.get())
        == "Martine DURAND (Grand-mère), 06 12 34 56 78"
    )
    PersonneAutorisee.objects.filter(pk=mamie.pk).delete()
    assert renseignement_valeur_actuelle(ligne=demande.lignes.get()) == ""
    demande = demande_accepter(demande=demande, agent=agent)
    assert demande.reponse == "Aucune modification à appliquer : le dossier était déjà à jour."
