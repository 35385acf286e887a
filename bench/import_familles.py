"""Mesure l'import CSV des familles : génère N familles puis chronomètre import et réimport.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portail_bench \
        python bench/import_familles.py --familles 10000

À lancer sur une base de travail (migrée) : les familles « BENCH-… » sont supprimées à la fin,
sauf avec --garder.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portail.settings")

import django

django.setup()

from familles.importation import COLONNES, familles_importer  # noqa: E402
from familles.models import Famille  # noqa: E402

PRENOMS = ["Léa", "Hugo", "Chloé", "Louis", "Inès", "Jules", "Manon", "Noé", "Zoé", "Émile"]
NOMS = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "PETIT", "DURAND", "LEROY"]


def generer(nombre: int, chemin: Path, quotient: int = 0) -> int:
    hasard = random.Random(42)
    lignes = [";".join(COLONNES)]
    vide = dict.fromkeys(COLONNES, "")
    for i in range(nombre):
        nom = hasard.choice(NOMS)
        tire = hasard.randint(300, 2000)
        numero = f"BENCH-{i:06d}"
        base = {**vide, "numero_famille": numero, "nom": nom}
        lignes.append(
            ";".join(
                {
                    **base,
                    "type": "responsable",
                    "nom_famille": nom,
                    "adresse": f"{i} rue de la Mairie",
                    "code_postal": "59112",
                    "ville": "CARNIN",
                    "email_famille": f"famille{i}@example.fr",
                    "regime": "CAF",
                    "quotient_familial": str(quotient or tire),
                    "civilite": "Mme",
                    "qualite": "mère",
                    "prenom": hasard.choice(PRENOMS),
                    "date_naissance": "12/04/1984",
                    "telephone_mobile": "06 00 00 00 00",
                }.values()
            )
        )
        lignes.append(
            ";".join(
                {
                    **base,
                    "type": "conjoint",
                    "civilite": "M",
                    "qualite": "père",
                    "prenom": "Marc",
                    "date_naissance": "03/11/1982",
                }.values()
            )
        )
        for rang in range(2):
            lignes.append(
                ";".join(
                    {
                        **base,
                        "type": "enfant",
                        "prenom": PRENOMS[rang],
                        "date_naissance": f"0{rang + 1}/09/201{rang + 5}",
                        "sexe": "F",
                        "ecole": "École primaire",
                        "classe": "CE1",
                    }.values()
                )
            )
    chemin.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    return len(lignes) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--familles", type=int, default=10000)
    parser.add_argument("--garder", action="store_true", help="garde les familles importées")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as dossier:
        chemin = Path(dossier) / "familles.csv"
        nb_lignes = generer(args.familles, chemin)
        contenu = chemin.read_bytes()
        print(f"Fichier : {args.familles} familles, {nb_lignes} lignes, {len(contenu) // 1024} Ko")
        modifie = Path(dossier) / "familles-modifiees.csv"
        generer(args.familles, modifie, quotient=999)
        essais = [
            ("import", contenu),
            ("réimport (rien ne change)", contenu),
            ("réimport (quotient changé partout)", modifie.read_bytes()),
        ]
        for essai, donnees in essais:
            debut = time.perf_counter()
            bilan = familles_importer(contenu=donnees)
            duree = time.perf_counter() - debut
            assert bilan.valide, bilan.erreurs[:5]
            print(
                f"{essai} : {duree:.1f} s — familles {bilan.familles} ; "
                f"adultes {bilan.adultes} ; enfants {bilan.enfants}"
            )
    if not args.garder:
        supprimees, _ = Famille.objects.filter(numero__startswith="BENCH-").delete()
        print(f"Nettoyage : {supprimees} ligne(s) supprimée(s).")


if __name__ == "__main__":
    main()
