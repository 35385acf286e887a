"""Pages des parents et comptes gardés dans le cache, et leur fraîcheur par « générations ».

Une page de parent coûte 5 à 40 ms de CPU (ORM, gabarits) ; resservie depuis Redis par
``PagesGardeesMiddleware``, avant la session, le compte et la vue, elle coûte moins qu'une
vue Django nue (docs/performance.md). Ce qui est gardé n'est jamais resservi périmé :
chaque page porte les jetons des « générations » lues AVANT son calcul et la session pour
laquelle elle a été calculée, et n'est resservie que si rien de cela n'a changé depuis.

Générations (un jeton aléatoire par nom, dans le cache partagé) :

- ``famille:<id>`` : toute ligne d'une famille (enfant, réservation, facture, message…)
  enregistrée ou supprimée par le modèle (signaux ``post_save`` et ``pre_delete``) ;
- ``compte:<id>`` : le compte du parent (et sa fiche famille) ;
- ``places`` : les réservations de toutes les familles (les places restantes) ;
- ``commune`` : tout le reste (configuration, activités, tarifs, actualités…) ET toute
  écriture SQL sur une table du portail faite hors d'un ``save()``/``delete()`` de modèle
  (``update()``, ``bulk_create()``…) qu'un service n'a pas attribuée à une famille par
  ``ecritures_de_famille`` : un garde-fou sur les requêtes d'écriture la détecte, si bien
  qu'un oubli coûte des pages recalculées, jamais une page fausse.

Chaque jeton est changé tout de suite ET après le commit : une page calculée pendant la
transaction (avec les données d'avant) porte le jeton intermédiaire et est écartée.
Ce module ne contient aucune règle métier : il ne fait que dater les écritures.
"""

import hashlib
import logging
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache as memoriser
from functools import lru_cache, wraps
from importlib import import_module
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.signals import connection_created
from django.db.models import Model
from django.db.models.deletion import Collector
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import timezone

logger = logging.getLogger(__name__)

APPLICATIONS = ("portail", "familles", "demandes", "reservations", "facturation", "pieces")
COMMUNE = "commune"
PLACES = "places"
PREFIXE = "portail:gen:"
# Secondes pendant lesquelles une page arrivée au bout de sa durée est encore resservie
# aux autres requêtes, le temps qu'une seule la recalcule.
RELAIS = 10
# Modèles dont une écriture change aussi ce que voient les autres familles.
EN_PLUS = {"reservations.reservation": (PLACES,)}

T = TypeVar("T")
_local = threading.local()


def famille(famille_id: Any) -> str:
    return f"famille:{famille_id}"


def compte(user_id: Any) -> str:
    return f"compte:{user_id}"


def duree() -> int:
    return int(getattr(settings, "PORTAIL_CACHE_PAGES_SECONDES", 0))


# --- Générations ---------------------------------------------------------------------------


def _changer(noms: tuple[str, ...]) -> None:
    jeton = secrets.token_hex(8)
    try:
        cache.set_many({PREFIXE + nom: jeton for nom in noms}, timeout=None)
    except Exception:  # le cache absent ne doit pas faire échouer une écriture
        logger.exception("Générations non renouvelées : %s", ", ".join(noms))


def renouveler(*noms: str) -> None:
    """Les pages et comptes qui dépendent de ces générations seront recalculés."""
    if not noms or duree() <= 0:
        return
    _changer(noms)
    transaction.on_commit(lambda: _changer(noms), robust=True)


def _lire(cles: list[str], noms: tuple[str, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Les valeurs de ``cles`` et les jetons des générations ``noms``, en un aller-retour."""
    cles_gen = [PREFIXE + nom for nom in noms]
    trouve = cache.get_many([*cles, *cles_gen])
    jetons = []
    for cle in cles_gen:
        jeton = trouve.get(cle)
        if jeton is None:  # jamais écrite (ou cache vidé) : on en crée une
            jeton = secrets.token_hex(8)
            if not cache.add(cle, jeton, timeout=None):
                jeton = cache.get(cle, jeton)
        jetons.append(jeton)
    if noms and noms[0] == COMMUNE:
        _suivre_commune(jetons[0])
    return trouve, tuple(jetons)


_commune_vue: dict[str, str | None] = {"jeton": None}


def _suivre_commune(jeton: str) -> None:
    """La commune a changé (configuration, actualités, types de pièces…) : les copies
    gardées en mémoire de ce processus sont relues, pour ne pas entrer périmées dans une
    page gardée sous le nouveau jeton."""
    if _commune_vue["jeton"] != jeton:
        from .configuration import oublier_configuration_locale
        from .memoire import vider_memoire

        oublier_configuration_locale()
        vider_memoire()
        _commune_vue["jeton"] = jeton


@contextmanager
def ecritures_de_famille(famille_id: Any, *autres: str) -> Iterator[None]:
    """Pour un service qui écrit les lignes d'une seule famille (en masse, ou une par une) :
    ses écritures datent la famille (et ``autres``) une fois en sortie de bloc, au lieu de
    toute la commune (écritures en masse) ou d'une recherche par ligne (signaux)."""
    _local.attribuees = getattr(_local, "attribuees", 0) + 1
    try:
        yield
    finally:
        _local.attribuees -= 1
    renouveler(famille(famille_id), *autres)


# --- Qui a changé : signaux des modèles et garde-fou SQL -------------------------------------


def _surveille(modele: type[Model]) -> bool:
    meta = modele._meta
    return meta.app_label in APPLICATIONS and not meta.model_name.startswith("historical")


@memoriser
def _chemin_vers_famille(modele: type[Model]) -> tuple[str, ...] | None:
    """Le chemin de clés étrangères le plus court du modèle à la famille (≤ 3 pas)."""
    from familles.models import Famille

    def chercher(m: type[Model], profondeur: int) -> tuple[str, ...] | None:
        if m is Famille:
            return ()
        if profondeur == 3:
            return None
        meilleur = None
        for champ in m._meta.concrete_fields:
            if champ.many_to_one and champ.related_model is not m:
                suite = chercher(champ.related_model, profondeur + 1)  # type: ignore[arg-type]
                if suite is not None and (meilleur is None or len(suite) + 1 < len(meilleur)):
                    meilleur = (champ.name, *suite)
        return meilleur

    return chercher(modele, 0)


def _famille_id(instance: Model, chemin: tuple[str, ...]) -> Any:
    objet: Any = instance
    for i, nom in enumerate(chemin):
        champ = objet._meta.get_field(nom)
        lie = objet._state.fields_cache.get(nom)
        if lie is not None:
            objet = lie
            continue
        valeur = getattr(objet, champ.attname)
        if valeur is None or i == len(chemin) - 1:
            return valeur
        reste = "__".join(chemin[i + 1 :])
        return (
            champ.related_model._base_manager.filter(pk=valeur)
            .values_list(reste, flat=True)
            .first()
        )
    return getattr(objet, "pk", None)


def generations_de(instance: Model) -> tuple[str, ...]:
    """Les générations que change l'écriture de cette ligne."""
    label = instance._meta.label_lower
    if label == "portail.user":
        return (compte(instance.pk),)
    if label == "familles.famille":
        compte_id = getattr(instance, "compte_id", None)
        return (famille(instance.pk), *([compte(compte_id)] if compte_id else []))
    chemin = _chemin_vers_famille(type(instance))
    famille_id = _famille_id(instance, chemin) if chemin is not None else None
    if famille_id is None:
        return (COMMUNE,)
    return (famille(famille_id), *EN_PLUS.get(label, ()))


def _ligne_ecrite(sender: type[Model], instance: Model, **_: Any) -> None:
    # Dans ecritures_de_famille, la famille est datée une fois en sortie de bloc : pas de
    # recherche de la famille (une requête) ligne par ligne.
    if _surveille(sender) and duree() > 0 and not getattr(_local, "attribuees", 0):
        renouveler(*generations_de(instance))


def _m2m(sender: type[Model], instance: Model, action: str, **_: Any) -> None:
    if action.startswith("post_"):
        _ligne_ecrite(type(instance), instance)


ECRITURE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
# Les écritures faites dans un save()/delete() de modèle sont datées par les signaux.
_CODES_DES_MODELES = {Model.save_base.__code__, Collector.delete.__code__}


@memoriser
def _tables_surveillees() -> frozenset[str]:
    from django.apps import apps

    tables = set()
    for nom in APPLICATIONS:
        for modele in apps.get_app_config(nom).get_models(include_auto_created=True):
            if not modele._meta.model_name.startswith("historical"):
                tables.add(modele._meta.db_table)
    return frozenset(tables)


def _hors_modele() -> bool:
    cadre: Any = sys._getframe(2)
    while cadre is not None:
        if cadre.f_code in _CODES_DES_MODELES:
            return False
        cadre = cadre.f_back
    return True


def _garde_fou(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
    resultat = execute(sql, params, many, context)
    if (
        not getattr(_local, "attribuees", 0)
        and (trouve := ECRITURE.match(sql))
        and trouve.group(1) in _tables_surveillees()
        and duree() > 0
        and _hors_modele()
    ):
        renouveler(COMMUNE)
    return resultat


def _nouvelle_connexion(sender: Any, connection: Any, **_: Any) -> None:
    if _garde_fou not in connection.execute_wrappers:
        connection.execute_wrappers.append(_garde_fou)


def connecter() -> None:
    post_save.connect(_ligne_ecrite, dispatch_uid="cache_pages_save")
    pre_delete.connect(_ligne_ecrite, dispatch_uid="cache_pages_delete")
    m2m_changed.connect(_m2m, dispatch_uid="cache_pages_m2m")
    connection_created.connect(_nouvelle_connexion, dispatch_uid="cache_pages_sql")
    from django.db import connections

    for connexion in connections.all(initialized_only=True):
        _nouvelle_connexion(None, connexion)


def _sans_panne(fonction: Callable[..., T]) -> Callable[..., T | None]:
    """``fonction`` dont l'échec (le cache en panne) est journalisé et rend None : sans
    cache, les pages et les comptes sont calculés à chaque requête, le portail répond."""

    @wraps(fonction)
    def enveloppe(*args: Any, **kwargs: Any) -> T | None:
        try:
            return fonction(*args, **kwargs)
        except Exception as erreur:
            logger.warning("Cache indisponible (%s) : %s", fonction.__name__, erreur)
            return None

    return enveloppe


# --- Le compte du parent ---------------------------------------------------------------------


def compte_en_cache(user_id: Any, charger: Callable[[], T]) -> T:
    """Le compte (avec sa famille) lu dans le cache, ou ``charger()`` : la requête SQL de
    chaque page. Une sauvegarde du compte ou de la famille le fait relire."""
    if duree() <= 0:
        return charger()
    cle = f"portail:compte:{user_id}"
    lu = _sans_panne(_lire)([cle], (COMMUNE, compte(user_id)))
    if lu is None:
        return charger()
    trouve, jetons = lu
    garde = trouve.get(cle)
    if garde is not None and garde[0] == jetons:
        return garde[1]
    valeur = charger()
    if valeur is not None:
        _sans_panne(cache.set)(cle, (jetons, valeur), duree())
    return valeur


# --- Les pages -------------------------------------------------------------------------------
#
# Une page est gardée sous une clé tirée des seuls cookies (session, secret CSRF), de
# l'adresse et du jour : ``PagesGardeesMiddleware``, placé juste après les en-têtes de
# sécurité, la resert sans passer par le reste de Django (session décodée, compte, adresse,
# vue), en deux allers-retours au cache : la page avec la session, puis les générations. Elle
# n'est resservie que si la session est encore exactement celle pour laquelle elle a été
# calculée (une déconnexion la supprime, un message flash ou une nouvelle connexion la
# changent) et si aucune de ses générations n'a changé.


def _messages_en_attente(request: HttpRequest) -> bool:
    stockage = getattr(request, "_messages", None)
    return stockage is not None and len(stockage) > 0


def _parametres_admis(request: HttpRequest, parametres: tuple[str, ...]) -> bool:
    """Seuls les paramètres que lit la vue, courts, font une page gardée : une adresse
    inventée (« ?x=… » au hasard) ne remplit pas Redis de pages."""
    return all(
        cle in parametres and len(valeurs) == 1 and len(valeurs[0]) <= 20
        for cle, valeurs in request.GET.lists()
    )


@memoriser
def _prefixe_session(moteur: str, alias: str) -> str | None:
    """Le préfixe des sessions dans le cache par défaut (moteurs ``cache`` et
    ``cached_db``), ou None : pas de page resservie avant la session."""
    store = import_module(moteur).SessionStore
    prefixe = getattr(store, "cache_key_prefix", None)
    return prefixe if alias == "default" else None


@memoriser
def _cle_de_hachage(secret: str) -> bytes:
    return hashlib.blake2b(secret.encode(), digest_size=32).digest()


def _cle_de_page(request: HttpRequest) -> tuple[str, str] | None:
    """La clé de la page gardée et celle de la session dans le cache, ou None."""
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    prefixe = _prefixe_session(settings.SESSION_ENGINE, settings.SESSION_CACHE_ALIAS)
    if not (prefixe and session.isalnum() and len(session) <= 64 and secret.isalnum()):
        return None
    # Les formulaires de la page portent un jeton tiré du secret CSRF : une page n'est
    # resservie qu'avec le même secret. L'hôte et le schéma : les adresses absolues.
    empreinte = hashlib.blake2b(
        "\n".join(
            (
                session,
                secret,
                request.scheme or "",
                request.META.get("HTTP_HOST", ""),
                request.get_full_path(),
            )
        ).encode(),
        key=_cle_de_hachage(settings.SECRET_KEY),
        digest_size=20,
    ).hexdigest()
    return f"portail:page:{timezone.localdate():%Y%m%d}:{empreinte}", prefixe + session


def _prendre_le_calcul(cle: str) -> bool:
    """Une page arrivée au bout de sa durée est recalculée par un seul fil : les requêtes
    qui arrivent pendant ce calcul resservent la page (ses générations sont inchangées)
    au lieu de la calculer toutes à la fois."""
    return cache.add(f"{cle}:calcul", 1, RELAIS)


@_sans_panne
def _page_gardee(cle: str, cle_session: str) -> HttpResponse | None:
    trouve = cache.get_many([cle, cle_session])
    gardee = trouve.get(cle)
    if gardee is None or gardee["session"] != trouve.get(cle_session):
        return None
    generations = gardee["generations"]
    if cache.get_many(list(generations)) != generations:
        return None
    if time.time() > gardee["jusqua"] and _prendre_le_calcul(cle):
        return None
    reponse = HttpResponse(gardee["corps"])
    for nom, valeur in gardee["entetes"]:
        reponse.headers[nom] = valeur
    return reponse


def _cookies_poses(request: HttpRequest, reponse: HttpResponse) -> bool:
    """La réponse pose un cookie, hormis le cookie CSRF renvoyé tel quel (Django le renvoie
    pour en prolonger la durée dès qu'une page porte un formulaire)."""
    csrf = settings.CSRF_COOKIE_NAME
    return any(
        nom != csrf or morceau.value != request.COOKIES.get(csrf)
        for nom, morceau in reponse.cookies.items()
    )


@_sans_panne
def _garder(request: HttpRequest, cle: str, reponse: HttpResponse) -> None:
    generations = getattr(request, "_generations_de_la_page", None)
    session = getattr(request, "session", None)
    if (
        generations is None
        or reponse.status_code != 200
        or reponse.streaming
        or _cookies_poses(request, reponse)
        or session is None
        or session.modified
        or session.session_key != request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        or _messages_en_attente(request)
    ):
        return
    gardee = {
        "session": dict(session.items()),
        "generations": generations,
        "entetes": list(reponse.items()),
        "corps": reponse.content,
        "jusqua": time.time() + duree(),
    }
    cache.set(cle, gardee, duree() + RELAIS)


@lru_cache(maxsize=4096)
def _adresse_de_page(urlconf: str, chemin: str) -> bool:
    """L'adresse mène à une vue ``page_famille`` : les autres (admin, fichiers, envois…)
    ne paient pas la lecture du cache."""
    try:
        vue = resolve(chemin, urlconf).func
    except Resolver404:
        return False
    return getattr(vue, "page_famille", False)


class PagesGardeesMiddleware:
    """Resert une page de parent gardée (``page_famille``) avant le reste de Django, et
    garde, à la sortie, celle qu'une vue a déclarée à garder, avec ses en-têtes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cles = None
        # Un message flash en attente dans son cookie doit être montré par la vue.
        if (
            request.method == "GET"
            and duree() > 0
            and "messages" not in request.COOKIES
            and _adresse_de_page(settings.ROOT_URLCONF, request.path_info)
        ):
            cles = _cle_de_page(request)
            if cles is not None and (gardee := _page_gardee(*cles)) is not None:
                return gardee
        reponse = self.get_response(request)
        if cles is not None:
            _garder(request, cles[0], reponse)
        return reponse


def page_famille(
    *,
    depend: tuple[str, ...] = (),
    interrupteur: str | None = None,
    parametres: tuple[str, ...] = (),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Décorateur d'une page (GET) d'un parent : gardée par session, jeton CSRF, adresse et
    jour (``PagesGardeesMiddleware``), resservie tant que la session, la commune, la
    famille, le compte et ``depend`` n'ont pas changé, et au plus
    PORTAIL_CACHE_PAGES_SECONDES (les échéances qui dépendent de l'heure). Les règles
    restent vérifiées par les services à chaque envoi.

    Ne s'applique qu'à une vue sans effet de bord en GET. Avec ``interrupteur``, la
    fonctionnalité coupée répond 404 (une coupure change la commune : la page gardée n'est
    plus resservie). ``parametres`` : les paramètres d'adresse que lit la vue (une adresse
    avec d'autres n'est pas gardée)."""
    from .configuration import fonctionnalite_active

    def decorateur(vue: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(vue)
        def enveloppe(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            fiche = getattr(user, "famille", None) if user.is_authenticated else None
            if (
                duree() > 0
                and request.method == "GET"
                and fiche is not None
                and request.META.get("CSRF_COOKIE")
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                and not _messages_en_attente(request)
                and _parametres_admis(request, parametres)
            ):
                # Les jetons lus AVANT le calcul (et les copies en mémoire relues si la
                # commune a changé) : une écriture pendant le calcul écarte la page.
                noms = (COMMUNE, famille(fiche.pk), compte(user.pk), *depend)
                if (lu := _sans_panne(_lire)([], noms)) is not None:
                    request._generations_de_la_page = {  # type: ignore[attr-defined]
                        PREFIXE + nom: jeton for nom, jeton in zip(noms, lu[1], strict=True)
                    }
            if interrupteur and not fonctionnalite_active(interrupteur):
                raise Http404("Cette fonctionnalité n'est pas ouverte par la commune.")
            return vue(request, *args, **kwargs)

        enveloppe.page_famille = True  # type: ignore[attr-defined]
        return enveloppe

    return decorateur
