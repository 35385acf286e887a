"""Outils HTTP du banc des pages : base du banc, requêtes sur la boucle locale, connexion
d'un parent comme un navigateur, liens du menu."""

import http.client
import re
import socket
import sys
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit, urlunsplit

HOTE = "127.0.0.1"


class LiensDuMenu(HTMLParser):
    """Les liens d'une liste de la page : par défaut le menu principal de l'en-tête
    (<ul class="navbar-nav menu-principal">) ; ``classe="nav-tabs"`` : les onglets."""

    def __init__(self, classe: str = "menu-principal") -> None:
        super().__init__()
        self.classe = classe
        self.dans_menu = 0
        self.lien: str | None = None
        self.liens: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributs = dict(attrs)
        if tag == "ul" and self.classe in (attributs.get("class") or "").split():
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


def port_libre() -> int:
    with socket.socket() as s:
        s.bind((HOTE, 0))
        return s.getsockname()[1]


def _url_base(url: str, nom: str) -> str:
    morceaux = urlsplit(url)
    return urlunsplit(morceaux._replace(path="/" + nom))


def _nom_base(url: str) -> str:
    nom = urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", nom):
        sys.exit(f"Nom de base de banc d'essai refusé : {nom!r} (lettres, chiffres, _).")
    return nom


def recreer_base(url: str) -> None:
    import psycopg

    nom = _nom_base(url)
    with psycopg.connect(_url_base(url, "postgres"), autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')
        connexion.execute(f'CREATE DATABASE "{nom}"')


def supprimer_base(url: str) -> None:
    import psycopg

    nom = _nom_base(url)
    with psycopg.connect(_url_base(url, "postgres"), autocommit=True) as connexion:
        connexion.execute(f'DROP DATABASE IF EXISTS "{nom}" WITH (FORCE)')


def requete(
    port: int,
    methode: str,
    chemin: str,
    cookies: dict[str, str],
    corps: str = "",
    *,
    lire: bool = True,
):
    """Une requête sur 127.0.0.1 ; les cookies reçus mettent à jour ``cookies``."""
    connexion = http.client.HTTPConnection(HOTE, port, timeout=30)
    entetes = {"Host": HOTE}
    if cookies:
        entetes["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if corps:
        entetes["Content-Type"] = "application/x-www-form-urlencoded"
    connexion.request(methode, chemin, body=corps or None, headers=entetes)
    reponse = connexion.getresponse()
    contenu = reponse.read().decode("utf-8", "replace") if lire else ""
    for entete in reponse.headers.get_all("Set-Cookie") or []:
        nom, _, reste = entete.partition("=")
        valeur = reste.split(";", 1)[0]
        if valeur and "max-age=0" not in reste.lower().replace(" ", ""):
            cookies[nom.strip()] = valeur
        else:  # cookie effacé par le serveur, comme le ferait un navigateur
            cookies.pop(nom.strip(), None)
    connexion.close()
    return reponse.status, reponse.headers, contenu


def connecter_parent(port: int, identifiant: str, mot_de_passe: str) -> dict[str, str]:
    """Les cookies d'un parent connecté comme par un navigateur (session et CSRF)."""
    cookies: dict[str, str] = {}
    statut, _, page = requete(port, "GET", "/compte/login/", cookies)
    jeton = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if statut != 200 or not jeton:
        sys.exit(f"Page de connexion inattendue ({statut}).")
    corps = urlencode(
        {"csrfmiddlewaretoken": jeton.group(1), "login": identifiant, "password": mot_de_passe}
    )
    statut, entetes, _ = requete(port, "POST", "/compte/login/", cookies, corps)
    if statut != 302 or "sessionid" not in cookies:
        sys.exit(f"Connexion du parent refusée ({statut} {entetes.get('Location')}).")
    # Comme un navigateur : la page d'arrivée montre « Connexion réussie » et efface le
    # cookie du message ; sinon chaque requête mesurée porterait ce message.
    requete(port, "GET", entetes.get("Location") or "/", cookies)
    if "messages" in cookies:
        sys.exit("Le message de connexion n'a pas été effacé par la page d'arrivée.")
    return cookies
