"""Banc d'essai des pages d'un parent connecté, servies par gunicorn sur PostgreSQL.

    .venv/bin/python bench/pages.py [--duree 10] [--connexions 20] [--tours 3] [--sans-cache]

Crée (ou recrée) une base de banc d'essai, la remplit avec la démo, lance gunicorn sur
127.0.0.1 (réglages de production), connecte le parent DUPONT, puis mesure avec wrk, à
20 connexions simultanées, les requêtes par seconde et la latence p95 de l'accueil et de
chaque page du menu, à côté d'une vue Django nue servie par le même serveur, en plusieurs
tours dont il garde la médiane. Affiche un tableau et le rapport à la vue nue. Avec
--sans-cache, aucune page n'est resservie depuis le cache : c'est le coût du calcul de
chaque page (première visite, ou juste après un changement). Tout reste sur la boucle
locale ; la durée est bornée.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit, urlunsplit

RACINE = Path(__file__).resolve().parent.parent
HOTE = "127.0.0.1"
CIBLE_RAPPORT = 0.25
CIBLE_P95_MS = 50.0


@dataclass
class Mesure:
    page: str
    url: str
    requetes_par_s: float
    p50_ms: float
    p95_ms: float
    erreurs: int
    rapport: float = 1.0


class LiensDuMenu(HTMLParser):
    """Les liens du menu principal de la page d'accueil (<ul class="navbar-nav menu-principal">)."""

    def __init__(self) -> None:
        super().__init__()
        self.dans_menu = 0
        self.lien: str | None = None
        self.liens: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributs = dict(attrs)
        if tag == "ul" and "menu-principal" in (attributs.get("class") or "").split():
            self.dans_menu = 1
        elif tag == "ul" and self.dans_menu:
            self.dans_menu += 1
        elif tag == "a" and self.dans_menu:
            self.lien = attributs.get("href")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self.dans_menu:
            self.dans_menu -= 1
        elif tag == "a":
            self.lien = None

    def handle_data(self, data: str) -> None:
        if self.lien and data.strip():
            self.liens.append((data.strip(), self.lien))
            self.lien = None


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind((HOTE, 0))
        return s.getsockname()[1]


def _url_base(url: str, nom: str) -> str:
    morceaux = urlsplit(url)
    return urlunsplit(morceaux._replace(path="/" + nom))


def _recreer_base(url: str) -> None:
    import psycopg

    nom = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", nom):
        sys.exit(f"Nom de base de banc d'essai refusé : {nom!r} (lettres, chiffres, _).")
    with psycopg.connect(_url_base(url, "postgres"), autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        connexion.execute(f'CREATE DATABASE "{nom}"')


def _supprimer_base(url: str) -> None:
    import psycopg

    nom = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_url_base(url, "postgres"), autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')


def _wrk() -> str:
    chemin = shutil.which("wrk")
    if chemin:
        return chemin
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        chemin = shutil.which("wrk")
    if not chemin:
        sys.exit("wrk est introuvable : apt-get install wrk")
    return chemin


def _requete(port: int, methode: str, chemin: str, cookies: dict[str, str], corps: str = ""):
    connexion = http.client.HTTPConnection(HOTE, port, timeout=10)
    entetes = {"Host": HOTE}
    if cookies:
        entetes["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if corps:
        entetes["Content-Type"] = "application/x-www-form-urlencoded"
    connexion.request(methode, chemin, body=corps or None, headers=entetes)
    reponse = connexion.getresponse()
    contenu = reponse.read().decode("utf-8", "replace")
    for entete in reponse.headers.get_all("Set-Cookie") or []:
        nom, _, reste = entete.partition("=")
        valeur = reste.split(";", 1)[0]
        if valeur and "max-age=0" not in reste.lower().replace(" ", ""):
            cookies[nom.strip()] = valeur
        else:  # cookie effacé par le serveur, comme le ferait un navigateur
            cookies.pop(nom.strip(), None)
    connexion.close()
    return reponse.status, reponse.headers, contenu


def _connecter_parent(port: int, identifiant: str, mot_de_passe: str) -> dict[str, str]:
    from urllib.parse import urlencode

    cookies: dict[str, str] = {}
    statut, _, page = _requete(port, "GET", "/compte/login/", cookies)
    jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if statut != 200 or not jeton:
        sys.exit(f"Page de connexion inattendue ({statut}).")
    corps = urlencode(
        {"csrfmiddlewaretoken": jeton.group(1), "login": identifiant, "password": mot_de_passe}
    )
    statut, entetes, _ = _requete(port, "POST", "/compte/login/", cookies, corps)
    if statut != 302 or "sessionid" not in cookies:
        sys.exit(f"Connexion du parent refusée ({statut} {entetes.get('Location')}).")
    # Comme un navigateur : la page d'arrivée montre « Connexion réussie » et efface le
    # cookie du message ; sinon chaque requête mesurée porterait ce message.
    _requete(port, "GET", entetes.get("Location") or "/", cookies)
    if "messages" in cookies:
        sys.exit("Le message de connexion n'a pas été effacé par la page d'arrivée.")
    return cookies


def _mesurer(
    wrk: str, port: int, chemin: str, cookie: str, duree: int, connexions: int, fils: int
) -> dict:
    commande = [
        wrk,
        f"-t{min(fils, connexions)}",
        f"-c{connexions}",
        f"-d{duree}s",
        "--timeout",
        "5s",
        "-s",
        str(RACINE / "bench" / "wrk.lua"),
        f"http://{HOTE}:{port}{chemin}",
    ]
    env = {**os.environ, "BANC_COOKIE": cookie}
    sortie = subprocess.run(
        commande, env=env, capture_output=True, text=True, timeout=duree + 60, check=True
    ).stdout
    ligne = re.search(
        r"BANC requetes=(\d+) duree_us=(\d+) p50_us=(\d+) p95_us=(\d+) erreurs=(\d+)", sortie
    )
    if not ligne:
        sys.exit(f"Sortie de wrk illisible :\n{sortie}")
    requetes, duree_us, p50, p95, erreurs = (int(x) for x in ligne.groups())
    return {
        "requetes_par_s": requetes / (duree_us / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
        "erreurs": erreurs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duree", type=int, default=10, help="secondes de mesure par page")
    parser.add_argument("--chauffe", type=int, default=2, help="secondes de chauffe par page")
    parser.add_argument("--connexions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="processus gunicorn")
    parser.add_argument("--threads", type=int, default=4, help="fils par processus gunicorn")
    parser.add_argument(
        "--base",
        default=os.environ.get(
            "BANC_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portail_banc"
        ),
        help="base PostgreSQL du banc (recréée à chaque passage)",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BANC_REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--garder-base", action="store_true", help="ne pas supprimer la base")
    parser.add_argument("--wrk-fils", type=int, default=2, help="fils de wrk (client de charge)")
    parser.add_argument("--tours", type=int, default=3, help="tours de mesure (médiane)")
    parser.add_argument("--pages", default="", help="pages mesurées, ex. « accueil,factures »")
    parser.add_argument(
        "--sans-cache",
        action="store_true",
        help="pages et comptes jamais gardés (PORTAIL_CACHE_PAGES_SECONDES=0) : le coût du calcul",
    )
    args = parser.parse_args()
    if not 1 <= args.duree <= 60 or not 1 <= args.connexions <= 100 or not 1 <= args.tours <= 9:
        sys.exit("--duree entre 1 et 60 s, --connexions entre 1 et 100, --tours entre 1 et 9.")

    wrk = _wrk()
    dossier = Path(tempfile.mkdtemp(prefix="banc-portail-"))
    env = {k: v for k, v in os.environ.items() if k != "PORTAIL_TESTS"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": HOTE,
            "DATABASE_URL": args.base,
            "REDIS_URL": args.redis,
            "CONN_MAX_AGE": "600",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "PORTAIL_VAR_DIR": str(dossier),
            "STATIC_ROOT": str(dossier / "static"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "LOG_LEVEL": "ERROR",
            "PORTAIL_CACHE_PAGES_SECONDES": "0" if args.sans_cache else "60",
        }
    )
    python = sys.executable
    print(f"Base {args.base} recréée, migrations et démo…", flush=True)
    _recreer_base(args.base)
    gunicorn = None
    try:
        for commande in (
            ["migrate", "--noinput", "-v", "0"],
            ["demo"],
            ["collectstatic", "--noinput", "-v", "0"],
            [
                "shell",
                "-c",
                "from django.core.cache import cache; cache.delete('portail:configuration')",
            ],
        ):
            subprocess.run(
                [python, "manage.py", *commande],
                cwd=RACINE,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=600,
            )
        port = _port_libre()
        gunicorn = subprocess.Popen(
            [
                python,
                "-m",
                "gunicorn",
                "portail.wsgi:application",
                "--bind",
                f"{HOTE}:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--worker-class",
                "gthread",
                "--log-level",
                "warning",
            ],
            cwd=RACINE,
            env=env,
        )
        fin = time.monotonic() + 30
        while True:
            try:
                if _requete(port, "GET", "/sante/", {})[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > fin or gunicorn.poll() is not None:
                sys.exit("gunicorn n'a pas démarré.")
            time.sleep(0.2)

        cookies = _connecter_parent(port, "jean.dupont@example.fr", "Demo-Parent-2026")
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        statut, _, accueil = _requete(port, "GET", "/", dict(cookies))
        if statut != 200:
            sys.exit(f"L'accueil du parent répond {statut}.")
        menu = LiensDuMenu()
        menu.feed(accueil)
        pages = [
            ("Vue Django nue", "/banc/nu/"),
            ("Vue nue, parent connecté", "/banc/nu/?connecte"),
        ]
        pages += [(libelle, lien) for libelle, lien in menu.liens if lien.startswith("/")]
        if len(pages) == 2:
            sys.exit("Aucune entrée de menu trouvée sur l'accueil : le banc ne mesurerait rien.")
        # Une entrée de menu qui redirige (ex. le planning vers le mois en cours) est mesurée
        # à l'adresse où le navigateur arrive.
        for index, (libelle, chemin) in enumerate(pages[2:], start=2):
            for _ in range(3):
                statut, entetes, _ = _requete(port, "GET", chemin, dict(cookies))
                destination = entetes.get("Location", "")
                if statut in (301, 302) and destination.startswith("/"):
                    chemin = destination
                    continue
                break
            if statut != 200:
                sys.exit(f"{libelle} ({chemin}) répond {statut} {entetes.get('Location', '')}.")
            pages[index] = (libelle, chemin)

        print(
            f"gunicorn {args.workers}×{args.threads} fils sur {HOTE}:{port}, wrk "
            f"{args.connexions} connexions, {args.duree} s par page.",
            flush=True,
        )
        if args.pages:
            filtres = [f.strip().lower() for f in args.pages.split(",") if f.strip()]
            pages = pages[:2] + [p for p in pages[2:] if any(f in p[0].lower() for f in filtres)]
        # Chaque tour mesure la vue nue puis chaque page ; le rapport d'une page est pris à
        # la vue nue du même tour, et le banc garde la médiane des tours : la vitesse d'une
        # machine partagée varie du simple au double en quelques minutes.
        tours: list[list[Mesure]] = []
        for tour in range(1, args.tours + 1):
            print(f"Tour {tour}/{args.tours}", flush=True)
            mesures_du_tour: list[Mesure] = []
            for libelle, chemin in pages:
                # La vue nue est mesurée sans session : c'est le coût du seul framework.
                # La seconde ajoute la session et le compte : ce que coûte d'être connecté.
                cookie_page = "" if chemin == "/banc/nu/" else cookie
                _mesurer(
                    wrk, port, chemin, cookie_page, args.chauffe, args.connexions, args.wrk_fils
                )
                chiffres = _mesurer(
                    wrk, port, chemin, cookie_page, args.duree, args.connexions, args.wrk_fils
                )
                mesure = Mesure(page=libelle, url=chemin, **chiffres)
                mesure.rapport = mesure.requetes_par_s / (
                    mesures_du_tour[0].requetes_par_s if mesures_du_tour else mesure.requetes_par_s
                )
                mesures_du_tour.append(mesure)
                print(f"  {libelle} : {chiffres['requetes_par_s']:.0f} req/s", flush=True)
            tours.append(mesures_du_tour)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
        if not args.garder_base:
            _supprimer_base(args.base)
        shutil.rmtree(dossier, ignore_errors=True)

    mesures = [
        Mesure(
            page=premiere.page,
            url=premiere.url,
            requetes_par_s=median(t[i].requetes_par_s for t in tours),
            p50_ms=median(t[i].p50_ms for t in tours),
            p95_ms=median(t[i].p95_ms for t in tours),
            erreurs=sum(t[i].erreurs for t in tours),
            rapport=median(t[i].rapport for t in tours),
        )
        for i, premiere in enumerate(tours[0])
    ]
    largeur = max(len(m.page) for m in mesures)
    print()
    print(f"| {'Page':<{largeur}} | req/s | p50 (ms) | p95 (ms) | rapport à la vue nue | cible |")
    print(f"|{'-' * (largeur + 2)}|------:|---------:|---------:|---------------------:|:-----:|")
    echecs = 0
    for index, m in enumerate(mesures):
        # Les deux vues nues sont les références (le framework seul, puis être connecté) :
        # la cible porte sur les pages des parents.
        ok = m.erreurs == 0 and m.p95_ms < CIBLE_P95_MS and m.rapport >= CIBLE_RAPPORT
        echecs += not ok and index >= 2
        cible = "réf." if index < 2 else ("oui" if ok else "NON")
        print(
            f"| {m.page:<{largeur}} | {m.requetes_par_s:5.0f} | {m.p50_ms:8.1f} | "
            f"{m.p95_ms:8.1f} | {m.rapport:20.2f} | {cible:^5} |"
        )
    charge = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nCharge de la machine (load average 1/5/15 min) à la fin : {charge}.")
    print(
        f"Cible : au moins {CIBLE_RAPPORT:.0%} du débit de la vue nue et p95 < "
        f"{CIBLE_P95_MS:.0f} ms à {args.connexions} connexions, sans erreur."
    )
    resultats = RACINE / "bench" / "resultats"
    resultats.mkdir(exist_ok=True)
    horodatage = time.strftime("%Y%m%d-%H%M%S")
    (resultats / f"pages-{horodatage}.json").write_text(
        json.dumps(
            {
                "cache_des_pages": not args.sans_cache,
                "medianes": [asdict(m) for m in mesures],
                "tours": [[asdict(m) for m in tour] for tour in tours],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    sys.exit(1 if echecs else 0)


if __name__ == "__main__":
    main()
