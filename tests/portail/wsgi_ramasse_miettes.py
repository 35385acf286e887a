"""Application WSGI de test : répond l'état du ramasse-miettes du processus qui la sert."""

import gc
import json


def application(environ, start_response):
    corps = json.dumps({"gele": gc.get_freeze_count(), "seuils": gc.get_threshold()}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [corps]
