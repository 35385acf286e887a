"""Simulateur local de PayFiP, pour la démo, le développement et les tests.

Il parle le même protocole SOAP que le vrai service (le client ``payfip_ws`` d'eopayment
s'y connecte tel quel, par le WSDL servi ici) et offre une page de paiement avec trois
boutons. Il n'existe que si ``settings.PAYFIP_SIMULATEUR`` est vrai : jamais en production.
"""

import logging
import secrets
import uuid
from functools import wraps
from pathlib import Path
from xml.sax.saxutils import escape

import eopayment
import requests
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from lxml import etree

from .models import OperationSimulee

logger = logging.getLogger(__name__)

RESSOURCES = Path(eopayment.__file__).parent / "resource"
FICHIERS = {
    "PaiementSecuriseService.wsdl",
    "PaiementSecuriseService_schema1.xsd",
    "PaiementSecuriseService_schema2.xsd",
    "PaiementSecuriseService_schema3.xsd",
}
NS_SERVICE = (
    "http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/"
    "contrat_paiement_securise/PaiementSecuriseService"
)
ENVELOPPE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>{}</S:Body>'
    "</S:Envelope>"
)


def _seulement_si_actif(vue):
    @wraps(vue)
    def enveloppe(request, *args, **kwargs):
        if not settings.PAYFIP_SIMULATEUR:
            raise Http404
        return vue(request, *args, **kwargs)

    return enveloppe


@_seulement_si_actif
def ressource(request: HttpRequest, nom: str) -> HttpResponse:
    """Le WSDL (adresse du service réécrite vers le simulateur) et ses schémas XSD."""
    if nom not in FICHIERS:
        raise Http404
    contenu = (RESSOURCES / nom).read_text(encoding="utf-8")
    if nom.endswith(".wsdl"):
        contenu = contenu.replace(
            "https://www.payfip.gouv.fr/tpa/services/securite",
            request.build_absolute_uri(reverse("facturation:simulateur_service")),
        )
    return HttpResponse(contenu, content_type="text/xml; charset=utf-8")


def _reponse(operation: str, champs: dict[str, str]) -> HttpResponse:
    contenu = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in champs.items() if v is not None)
    corps = (
        f'<ns2:{operation}Response xmlns:ns2="{NS_SERVICE}">'
        f"<return>{contenu}</return></ns2:{operation}Response>"
    )
    return HttpResponse(ENVELOPPE.format(corps), content_type="text/xml; charset=utf-8")


def _faute(code: str, libelle: str) -> HttpResponse:
    corps = (
        "<S:Fault><faultcode>S:Server</faultcode>"
        "<faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur"
        f'</faultstring><detail><ns2:FonctionnelleErreur xmlns:ns2="{NS_SERVICE}">'
        f"<code>{escape(code)}</code><descriptif>{escape(libelle)}</descriptif>"
        f"<libelle>{escape(libelle)}</libelle><severite>2</severite>"
        "</ns2:FonctionnelleErreur></detail></S:Fault>"
    )
    return HttpResponse(ENVELOPPE.format(corps), status=500, content_type="text/xml; charset=utf-8")


@csrf_exempt
@require_http_methods(["POST"])
@_seulement_si_actif
def service(request: HttpRequest) -> HttpResponse:
    """Le web service SOAP : creerPaiementSecurise, recupererDetailPaiementSecurise, client."""
    analyseur = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        racine = etree.fromstring(request.body, parser=analyseur)
    except etree.XMLSyntaxError:
        return _faute("T1", "Requête SOAP illisible")
    corps = next((e for e in racine if etree.QName(e).localname == "Body"), None)
    if corps is None or len(corps) == 0:
        return _faute("T1", "Requête SOAP sans corps")
    appel = corps[0]
    operation = etree.QName(appel).localname
    arg = next((e for e in appel if etree.QName(e).localname == "arg0"), None)
    champs = {}
    if arg is not None:
        champs = {etree.QName(e).localname: (e.text or "").strip() for e in arg}
    if operation == "creerPaiementSecurise":
        return _creer(champs)
    if operation == "recupererDetailPaiementSecurise":
        return _detail(champs.get("idOp", ""))
    if operation == "recupererDetailClient":
        return _reponse(
            operation,
            {"libelleN1": "SIMULATEUR PAYFIP", "numcli": champs.get("numCli", "")},
        )
    return _faute("T2", f"Opération inconnue : {operation}")


def _creer(champs: dict[str, str]) -> HttpResponse:
    numcli, montant, refdet = (
        champs.get("numcli", ""),
        champs.get("montant", ""),
        champs.get("refdet", ""),
    )
    if not (numcli.isdigit() and len(numcli) == 6):
        return _faute("P2", "Numéro client invalide")
    if not montant.isdigit() or int(montant) < 100:
        return _faute("P3", "Montant invalide")
    if not (refdet.isalnum() and len(refdet) <= 30):
        return _faute("P4", "Référence de dette invalide")
    if (
        "@" not in champs.get("mel", "")
        or not champs.get("urlnotif")
        or not champs.get("urlredirect")
    ):
        return _faute("P6", "Paramètres incomplets")
    operation = OperationSimulee.objects.create(
        idop=uuid.uuid4().hex,
        numcli=numcli,
        exer=champs.get("exer", "")[:4],
        refdet=refdet,
        montant=montant,
        mel=champs["mel"][:80],
        objet=champs.get("objet", "")[:100],
        saisie=champs.get("saisie", "T")[:1],
        urlnotif=champs["urlnotif"][:500],
        urlredirect=champs["urlredirect"][:500],
    )
    return _reponse("creerPaiementSecurise", {"idOp": operation.idop})


def _detail(idop: str) -> HttpResponse:
    operation = OperationSimulee.objects.filter(idop=idop).first()
    if operation is None:
        return _faute("P1", "IdOp incorrect")
    if not operation.resultrans:
        return _faute("P5", "Transaction en cours")
    quand = timezone.localtime(operation.payee_le)
    return _reponse(
        "recupererDetailPaiementSecurise",
        {
            "dattrans": quand.strftime("%d%m%Y"),
            "exer": operation.exer,
            "heurtrans": quand.strftime("%H%M"),
            "idOp": operation.idop,
            "mel": operation.mel,
            "montant": operation.montant,
            "numauto": operation.numauto,
            "numcli": operation.numcli,
            "objet": operation.objet,
            "refdet": operation.refdet,
            "resultrans": operation.resultrans,
            "saisie": operation.saisie,
        },
    )


RESULTATS = {"payer": "P", "refuser": "R", "annuler": "A"}


@require_http_methods(["GET", "POST"])
@_seulement_si_actif
def page_paiement(request: HttpRequest) -> HttpResponse:
    """La page de paiement : payer, refuser ou annuler ; puis notification et retour."""
    idop = request.GET.get("idop", "") or request.POST.get("idop", "")
    operation = OperationSimulee.objects.filter(idop=idop).first()
    if operation is None:
        raise Http404
    if request.method == "POST" and not operation.resultrans:
        choix = RESULTATS.get(request.POST.get("action", ""))
        if choix is not None:
            operation.resultrans = choix
            operation.numauto = secrets.token_hex(3).upper() if choix == "P" else ""
            operation.payee_le = timezone.now()
            operation.save(update_fields=["resultrans", "numauto", "payee_le"])
            _notifier(operation)
    if operation.resultrans:
        separateur = "&" if "?" in operation.urlredirect else "?"
        return HttpResponseRedirect(f"{operation.urlredirect}{separateur}idOp={operation.idop}")
    euros = f"{int(operation.montant) / 100:.2f}".replace(".", ",")
    return render(
        request, "facturation/simulateur.html", {"operation": operation, "montant": euros}
    )


def _notifier(operation: OperationSimulee) -> None:
    """Comme PayFiP : l'URL de notification reçoit idOp de serveur à serveur."""
    try:
        requests.post(operation.urlnotif, data={"idOp": operation.idop}, timeout=10)
    except requests.RequestException as exc:
        # Le retour du navigateur vérifie aussi le paiement : rien n'est perdu.
        logger.warning("Simulateur PayFiP : notification impossible (%s)", exc)
