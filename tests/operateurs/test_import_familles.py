from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from familles.importation import ErreurFichier, familles_importer
from familles.models import Enfant, Famille, Responsable, Role

EXEMPLE = Path(__file__).resolve().parents[2] / "docs" / "exemple_familles.csv"

ENTETE = (
    "numero_famille;type;nom_famille;email_famille;code_postal;nom;prenom;date_naissance;"
    "sexe;telephone_mobile"
)
BON = "\n".join(
    [
        ENTETE,
        "3001;responsable;BERNARD;bernard@example.fr;59112;BERNARD;Anne;01/02/1985;;06 11 22 33 44",
        "3001;conjoint;;;;BERNARD;Luc;03/04/1983;;",
        "3001;enfant;;;;BERNARD;Émile;05/06/2016;M;",
        "3002;responsable;THOMAS;;;THOMAS;Julie;;;",
        "3002;enfant;;;;THOMAS;Zoé;07/08/2018;F;",
    ]
)


def importer(texte: str, encodage: str = "utf-8", **kwargs):
    return familles_importer(contenu=texte.encode(encodage), **kwargs)


def contenu_base() -> tuple:
    return (
        sorted(Famille.objects.values_list("numero", "nom", "email")),
        sorted(Responsable.objects.values_list("famille__numero", "role", "prenom")),
        sorted(Enfant.objects.values_list("famille__numero", "prenom", "date_naissance")),
    )


@pytest.mark.django_db
def test_un_bon_fichier_cree_familles_adultes_et_enfants():
    bilan = importer(BON)

    assert bilan.valide
    assert (bilan.familles.crees, bilan.adultes.crees, bilan.enfants.crees) == (2, 3, 2)
    bernard = Famille.objects.get(numero="3001")
    assert bernard.nom == "BERNARD"
    assert bernard.email == "bernard@example.fr"
    assert bernard.code_postal == "59112"
    anne = bernard.responsables.get(role=Role.RESPONSABLE)
    assert (anne.prenom, anne.date_naissance) == ("Anne", date(1985, 2, 1))
    assert anne.telephone_mobile == "06 11 22 33 44"
    assert bernard.responsables.get(role=Role.CONJOINT).prenom == "Luc"
    emile = bernard.enfants.get()
    assert (emile.prenom, emile.sexe, emile.date_naissance) == ("Émile", "M", date(2016, 6, 5))
    # Chaque création est tracée dans l'historique (audit).
    assert emile.history.get().history_change_reason == "Import CSV des familles"


@pytest.mark.django_db
def test_le_fichier_exemple_de_la_documentation_s_importe():
    bilan = familles_importer(contenu=EXEMPLE.read_bytes())
    assert bilan.valide, [str(e) for e in bilan.erreurs]
    assert bilan.familles.crees == 2
    assert Enfant.objects.filter(famille__numero="2001").count() == 2


@pytest.mark.django_db
def test_reimporter_met_a_jour_sans_dupliquer():
    importer(BON)
    modifie = BON.replace("bernard@example.fr", "anne.bernard@example.fr")
    bilan = importer(modifie + "\n3001;enfant;;;;BERNARD;Rose;09/10/2019;F;")

    assert bilan.valide
    assert (bilan.familles.crees, bilan.familles.modifies, bilan.familles.inchanges) == (0, 1, 1)
    assert (bilan.adultes.crees, bilan.adultes.inchanges) == (0, 3)
    assert (bilan.enfants.crees, bilan.enfants.inchanges) == (1, 2)
    assert Famille.objects.count() == 2
    assert Responsable.objects.count() == 3
    assert Enfant.objects.count() == 3
    assert Famille.objects.get(numero="3001").email == "anne.bernard@example.fr"

    # Le même fichier une troisième fois ne change rien.
    bilan = importer(modifie + "\n3001;enfant;;;;BERNARD;Rose;09/10/2019;F;")
    assert (bilan.familles.modifies, bilan.adultes.modifies, bilan.enfants.modifies) == (0, 0, 0)
    assert (bilan.familles.crees, bilan.adultes.crees, bilan.enfants.crees) == (0, 0, 0)


@pytest.mark.django_db
def test_une_cellule_vide_n_efface_pas_ce_que_la_famille_a_mis_a_jour():
    importer(BON)
    Famille.objects.filter(numero="3002").update(email="mise-a-jour@example.fr")
    importer(BON)
    assert Famille.objects.get(numero="3002").email == "mise-a-jour@example.fr"


@pytest.mark.django_db
def test_l_essai_compte_tout_et_n_ecrit_rien():
    bilan = importer(BON, essai=True)
    assert bilan.valide
    assert (bilan.familles.crees, bilan.adultes.crees, bilan.enfants.crees) == (2, 3, 2)
    assert contenu_base() == ([], [], [])
    assert Famille.history.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("encodage", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separateur", [";", ","])
def test_les_deux_encodages_et_les_deux_separateurs(encodage, separateur):
    texte = BON.replace(";", separateur)
    bilan = importer(texte, encodage)
    assert bilan.valide, [str(e) for e in bilan.erreurs]
    assert bilan.separateur == separateur
    assert bilan.encodage == ("Windows-1252" if encodage == "cp1252" else "UTF-8")
    assert Enfant.objects.filter(prenom="Émile", famille__numero="3001").exists()
    assert Enfant.objects.filter(prenom="Zoé").exists()


@pytest.mark.django_db
def test_un_champ_entre_guillemets_peut_contenir_le_separateur():
    texte = (
        "numero_famille,type,nom_famille,adresse,nom,prenom\n"
        '3003,responsable,ROUX,"12, rue Haute",ROUX,Paul\n'
    )
    assert importer(texte).valide
    assert Famille.objects.get(numero="3003").adresse == "12, rue Haute"


MAUVAISES_LIGNES = [
    (";responsable;X;;;X;Y;;;", "numero_famille", "obligatoire"),
    ("30 04;responsable;X;;;X;Y;;;", "numero_famille", "n'est pas un numéro de famille"),
    ("3004;parent;X;;;X;Y;;;", "type", "n'est pas un type de ligne connu"),
    ("3004;responsable;X;;;;Y;;;", "nom", "obligatoire"),
    ("3004;responsable;X;;;X;;;;", "prenom", "obligatoire"),
    ("3004;enfant;X;;;X;Y;31/02/2016;F;", "date_naissance", "n'est pas une date valide"),
    ("3004;enfant;X;;;X;Y;2016-02-01;F;", "date_naissance", "jj/mm/aaaa"),
    ("3004;enfant;X;;;X;Y;01/01/2999;F;", "date_naissance", "dans le futur"),
    ("3004;enfant;X;;;X;Y;;F;", "date_naissance", "obligatoire pour un enfant"),
    ("3004;enfant;X;;;X;Y;01/01/2016;Z;", "sexe", "n'est pas un sexe"),
    ("3004;responsable;X;pas-un-email;;X;Y;;;", "email_famille", "adresse e-mail valide"),
    ("3004;responsable;X;;5911;X;Y;;;", "code_postal", "code postal à 5 chiffres"),
    ("3004;responsable;X;;;X;Y;;;appelez-moi", "telephone_mobile", "numéro de téléphone"),
    ("3004;enfant;X;;;X;Y;01/01/2016;F;06 00 00 00 00", "telephone_mobile", "que les adultes"),
    ("3004;responsable;X;;;X;Y;;F;", "sexe", "que les enfants"),
    ("3004;responsable;X;;;" + "X" * 81 + ";Y;;;", "nom", "au plus 80 caractères"),
    ("3004;enfant;" + "X" * 121 + ";;;X;Y;01/01/2016;F;", "nom_famille", "au plus 120 caractères"),
    ("3004;inconnu;X;;;X;Y;;F;", "type", "n'est pas un type de ligne connu"),
    ("3004;responsable;;;;X;Y;;;", "nom_famille", "ne donne le nom de la famille"),
    ("3004;responsable;X;;;X;Y;;;;en trop", "", "plus que de colonnes"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("ligne", "colonne", "message"), MAUVAISES_LIGNES)
def test_chaque_mauvaise_ligne_est_nommee_et_rien_n_est_importe(ligne, colonne, message):
    bilan = importer(BON + "\n" + ligne)

    assert not bilan.valide
    assert [(e.ligne, e.colonne) for e in bilan.erreurs] == [(7, colonne)]
    assert message in bilan.erreurs[0].message
    assert str(bilan.erreurs[0]).startswith("Ligne 7")
    assert contenu_base() == ([], [], [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ligne", "message"),
    [
        ("3001;responsable;;;;BERNARD;Paul;;;", "la ligne 2 décrit déjà un responsable"),
        ("3001;enfant;;;;BERNARD;émile;05/06/2016;M;", "la ligne 4 décrit déjà cet enfant"),
        ("3001;conjoint;;;;BERNARD;Luc;;;", "la ligne 3 décrit déjà cet adulte"),
        ("3001;enfant;BERNARDE;;;BERNARD;Jules;05/06/2016;M;", "diffère de la ligne 2"),
    ],
)
def test_les_doublons_et_incoherences_dans_le_fichier_sont_refuses(ligne, message):
    bilan = importer(BON + "\n" + ligne)
    assert not bilan.valide
    assert bilan.erreurs[0].ligne == 7
    assert message in bilan.erreurs[0].message
    assert Famille.objects.count() == 0


@pytest.mark.django_db
def test_toutes_les_erreurs_sont_listees_d_un_coup():
    bilan = importer(BON + "\n3004;enfant;X;;;X;Y;31/02/2016;F;\n3005;mere;X;;;X;Y;;;")
    assert [(e.ligne, e.colonne) for e in bilan.erreurs] == [
        (7, "date_naissance"),
        (8, "type"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("texte", "message"),
    [
        ("", "vide"),
        (
            "numero_famille;nom;prenom\n1;X;Y",
            "Colonnes obligatoires absentes de la première ligne : type",
        ),
        (ENTETE + ";pointure\n", "Colonnes inconnues : pointure"),
        (ENTETE + ";nom\n", "Colonnes en double : nom"),
    ],
)
def test_un_fichier_illisible_est_refuse_en_entier(texte, message):
    with pytest.raises(ErreurFichier, match=message):
        importer(texte)


@pytest.mark.django_db
def test_la_commande_affiche_le_bilan():
    sortie = StringIO()
    call_command("importer_familles", str(EXEMPLE), stdout=sortie)
    texte = sortie.getvalue()
    assert "Import terminé : 6 ligne(s)." in texte
    assert "Familles : 2 créé(s), 0 mis à jour, 0 inchangé(s)" in texte
    assert "Enfants : 3 créé(s)" in texte
    # L'historique dit d'où vient la fiche.
    motif = Famille.objects.get(numero="2001").history.get().history_change_reason
    assert motif == "Import CSV des familles (exemple_familles.csv)"


@pytest.mark.django_db
def test_la_commande_en_essai_n_ecrit_rien(tmp_path):
    sortie = StringIO()
    call_command("importer_familles", str(EXEMPLE), "--essai", stdout=sortie)
    assert "Essai (rien n'a été enregistré)" in sortie.getvalue()
    assert Famille.objects.count() == 0


@pytest.mark.django_db
def test_la_commande_liste_les_erreurs_et_echoue(tmp_path):
    fichier = tmp_path / "familles.csv"
    fichier.write_text(BON + "\n3004;enfant;X;;;X;Y;31/02/2016;F;", encoding="utf-8")
    erreurs = StringIO()
    with pytest.raises(
        CommandError, match="1 erreur\\(s\\) dans le fichier : rien n'a été importé"
    ):
        call_command("importer_familles", str(fichier), stderr=erreurs)
    assert "Ligne 7, colonne « date_naissance »" in erreurs.getvalue()
    assert Famille.objects.count() == 0


def test_la_commande_refuse_un_fichier_absent():
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("importer_familles", "/nulle/part.csv")


def _fichier_de(nombre: int, debut: int) -> str:
    lignes = [ENTETE]
    for i in range(debut, debut + nombre):
        # Les noms ne prennent que des lettres : on écrit le numéro en lettres.
        nom = "NOM" + "".join("ABCDEFGHIJ"[int(c)] for c in str(i))
        lignes.append(f"{i};responsable;{nom};;;{nom};Anne;;;")
        lignes.append(f"{i};enfant;;;;{nom};Léo;01/02/2018;M;")
    return "\n".join(lignes)


@pytest.mark.django_db
def test_le_nombre_de_requetes_ne_depend_pas_de_la_taille_du_fichier():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mesures = []
    for nombre, debut in ((3, 10000), (300, 20000)):
        with CaptureQueriesContext(connection) as requetes:
            assert importer(_fichier_de(nombre, debut)).valide
        mesures.append(len(requetes))
    assert mesures[0] == mesures[1]
    assert Famille.objects.count() == 303


@pytest.mark.django_db
def test_la_commande_montre_sa_progression():
    sortie = StringIO()
    call_command("importer_familles", str(EXEMPLE), stdout=sortie)
    texte = sortie.getvalue()
    assert "6 ligne(s) lue(s) (UTF-8, séparateur « ; »)." in texte
    assert "Vérification terminée : 0 erreur(s)." in texte
    assert "Familles traitées : 2 créé(s)" in texte


@pytest.mark.django_db
def test_un_separateur_final_d_export_tableur_est_ignore():
    texte = "\n".join(ligne + ";" for ligne in BON.split("\n"))
    bilan = importer(texte)
    assert bilan.valide, [str(e) for e in bilan.erreurs]
    assert bilan.familles.crees == 2


@pytest.mark.django_db
def test_le_numero_de_ligne_cite_compte_les_lignes_du_fichier():
    texte = (
        "numero_famille;type;nom_famille;adresse;nom;prenom;date_naissance\n"
        '3010;responsable;ROUX;"Résidence des Lilas\nBâtiment B";ROUX;Paul;\n'
        "3010;enfant;;;ROUX;Léo;31/02/2016\n"
    )
    bilan = importer(texte)
    assert [(e.ligne, e.colonne) for e in bilan.erreurs] == [(4, "date_naissance")]


@pytest.mark.django_db
def test_un_export_windows_avec_fins_de_ligne_crlf():
    bilan = importer(BON.replace("\n", "\r\n") + "\r\n", "cp1252")
    assert bilan.valide, [str(e) for e in bilan.erreurs]
    assert Famille.objects.get(numero="3001").nom == "BERNARD"
    assert Enfant.objects.filter(prenom="Zoé").exists()


@pytest.mark.django_db
def test_les_erreurs_sont_rangees_par_ligne():
    texte = "numero_famille;type;nom;prenom;date_naissance\n9;enfant;X;Y;31/02/2016\n9;mere;X;Y;"
    bilan = importer(texte)
    assert [(e.ligne, e.colonne) for e in bilan.erreurs] == [
        (2, "date_naissance"),
        (2, "nom_famille"),
        (3, "type"),
    ]


@pytest.mark.django_db
def test_le_second_foyer_d_un_enfant_en_garde_alternee_s_importe():
    existante = Famille.objects.create(numero="2999", nom="LEGRAND")
    texte = "\n".join(
        [
            "numero_famille;type;nom_famille;nom;prenom;date_naissance;second_foyer",
            "3001;responsable;BERNARD;BERNARD;Anne;;",
            "3001;enfant;;BERNARD;Émile;05/06/2016;3002",
            "3001;enfant;;BERNARD;Lou;05/06/2018;2999",
            "3002;responsable;THOMAS;THOMAS;Marc;;",
        ]
    )
    bilan = importer(texte)
    assert bilan.valide, bilan.erreurs
    assert Enfant.objects.get(prenom="Émile").second_foyer.numero == "3002"
    assert Enfant.objects.get(prenom="Lou").second_foyer == existante


@pytest.mark.django_db
def test_un_second_foyer_inconnu_ou_le_meme_foyer_est_refuse():
    texte = "\n".join(
        [
            "numero_famille;type;nom_famille;nom;prenom;date_naissance;second_foyer",
            "3001;responsable;BERNARD;BERNARD;Anne;;",
            "3001;enfant;;BERNARD;Émile;05/06/2016;9999",
            "3001;enfant;;BERNARD;Lou;05/06/2018;3001",
            "3001;conjoint;;BERNARD;Luc;;3002",
        ]
    )
    bilan = importer(texte)
    messages = {(e.ligne, e.colonne, e.message) for e in bilan.erreurs}
    assert (
        3,
        "second_foyer",
        "aucune famille n'a le numéro 9999, ni dans le fichier ni dans le portail.",
    ) in messages
    assert (4, "second_foyer", "« 3001 » n'est pas le numéro d'une autre famille.") in messages
    assert (5, "second_foyer", "cette colonne ne concerne que les enfants.") in messages
    assert not Famille.objects.exists()
