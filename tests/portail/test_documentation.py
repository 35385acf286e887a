"""Le README et docs/ disent vrai : fichiers, liens, commandes, adresses, tâches, comptes."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, get_commands, load_command_class
from django.urls import Resolver404, resolve

RACINE = Path(__file__).resolve().parents[2]
README = RACINE / "README.md"
DOCUMENTS = [README, *sorted((RACINE / "docs").glob("*.md"))]
EXTENSIONS = (".py", ".md", ".yml", ".toml", ".csv", ".example", ".html", ".txt", ".lua")


def _code_en_ligne(texte: str) -> list[str]:
    """Les `extraits de code` d'un texte Markdown, hors blocs ```."""
    sans_blocs = re.sub(r"```.*?```", "", texte, flags=re.DOTALL)
    return [extrait.strip() for extrait in re.findall(r"`([^`\n]+)`", sans_blocs)]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda chemin: chemin.name)
def test_les_liens_relatifs_menent_a_un_fichier(document):
    texte = document.read_text()
    for cible in re.findall(r"\]\(([^)\s]+)\)", texte):
        if cible.startswith(("http://", "https://", "mailto:", "#")):
            continue
        chemin = cible.split("#", 1)[0]
        assert (document.parent / chemin).exists(), f"{document.name} : lien cassé {cible}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda chemin: chemin.name)
def test_les_fichiers_cites_existent(document):
    cites = set()
    for extrait in _code_en_ligne(document.read_text()):
        # « .venv/bin/python bench/pages.py --duree 8 » : chaque mot qui a l'air d'un chemin.
        for mot in extrait.split():
            if mot.startswith(("/", ".venv/", "var/")) or not re.fullmatch(r"[\w./-]+", mot):
                continue  # adresse, dossier créé à l'exécution, motif, affectation, URL…
            if re.fullmatch(r"[\d/]+|j+/m+/a+", mot) or mot.split(".")[0].isupper():
                continue  # une date (31/02/2016, jj/mm/aaaa), un nom à remplacer (FICHIER.csv)
            if "/" in mot or mot.endswith(EXTENSIONS):
                cites.add(mot)
    # Un nom sans dossier (« test_limites.py » sous « Les tests sont dans tests/securite/ ») :
    # un fichier de ce nom existe quelque part dans le dépôt.
    noms = {c.name for c in RACINE.rglob("*") if not {".venv", ".git"} & set(c.parts)}
    absents = sorted(
        mot for mot in cites if not (RACINE / mot).exists() and ("/" in mot or mot not in noms)
    )
    if document == README:
        assert {"bin/demarrer", "bin/tester", ".ci/run", "bench/pages.py"} <= cites
    assert absents == [], f"{document.name} cite des fichiers absents : {absents}"


def test_les_commandes_du_readme_existent_avec_leurs_options():
    texte = README.read_text()
    commandes = get_commands()
    citees = set(re.findall(r"manage\.py (\w+)", texte))
    # Le tableau des commandes de l'opérateur : « | `facturer --mois 2026-11 [--essai]` | ».
    section = texte[texte.index("## Commandes de l'opérateur") :]
    section = section[: section.index("\n## ", 1)]
    lignes = re.findall(r"^\| `(\w+)([^`]*)` \|", section, flags=re.MULTILINE)
    assert {nom for nom, _ in lignes} >= {
        "importer_familles",
        "envoyer_identifiants",
        "preparer_annee",
        "facturer",
        "purger",
        "demo",
    }
    for nom in citees | {nom for nom, _ in lignes}:
        if nom in {"migrate", "createsuperuser", "check", "collectstatic"}:
            assert nom in commandes
            continue
        assert nom in commandes, f"commande inconnue : {nom}"
    for nom, arguments in lignes:
        analyseur = load_command_class(commandes[nom], nom).create_parser("manage.py", nom)
        for option in re.findall(r"--[\w-]+", arguments):
            assert option in analyseur._option_string_actions, f"{nom} n'a pas {option}"


def test_les_adresses_du_readme_repondent():
    adresses = [
        extrait
        for extrait in _code_en_ligne(README.read_text())
        if extrait.startswith("/") and not extrait.startswith("/usr/")
    ]
    assert "/factures/payer/" in adresses and "/admin/demandes/demande/" in adresses
    for adresse in adresses:
        concrete = re.sub(r"<\w+>", "1", adresse)
        try:
            resolve(concrete)
        except Resolver404:
            pytest.fail(f"Le README cite une adresse qui n'existe pas : {adresse}")


def test_les_taches_planifiees_sont_celles_du_readme():
    texte = README.read_text()
    section = texte[texte.index("## Tâches planifiées") :]
    section = section[: section.index("\n## ", 1)]
    documentees = set(re.findall(r"^\| `([\w.]+)` \|", section, flags=re.MULTILINE))
    planifiees = {tache["task"] for tache in settings.CELERY_BEAT_SCHEDULE.values()}
    assert documentees == planifiees


def test_les_comptes_de_demo_sont_ceux_du_readme(db):
    sortie = StringIO()
    call_command("demo", stdout=sortie)
    comptes = re.findall(r": (\S+) / (\S+)", sortie.getvalue())
    assert len(comptes) >= 4
    texte = README.read_text()
    section = texte[texte.index("## Les deux commandes") : texte.index("## Ce que fait")]
    lignes = [ligne for ligne in section.splitlines() if ligne.startswith("| ")][2:]
    assert len(lignes) == len(comptes), "une ligne du tableau par compte affiché par la démo"
    for identifiant, mot_de_passe in comptes:
        assert any(
            f"`{identifiant}`" in ligne and f"`{mot_de_passe}`" in ligne for ligne in lignes
        ), f"compte de démo absent du README : {identifiant} / {mot_de_passe}"


def test_l_index_de_la_documentation_cite_chaque_document():
    texte = README.read_text()
    index = texte[texte.index("## Documentation") :]
    for document in DOCUMENTS[1:]:
        assert f"](docs/{document.name})" in index, document.name
