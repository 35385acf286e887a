"""Remplir un formulaire du dossier comme le ferait le navigateur, à partir de la page."""

from datetime import date


def donnees_du_formulaire(reponse, **modifications) -> dict:
    """Les valeurs pré-remplies du formulaire de la page, puis ``modifications``."""
    form = reponse.context["form"]
    donnees: dict = {"suite": reponse.context["suite"]}
    for nom, champ in form.fields.items():
        valeur = form[nom].value()
        if isinstance(valeur, bool) or getattr(champ.widget, "input_type", "") == "checkbox":
            if valeur:
                donnees[nom] = "on"
            continue
        if valeur is None:
            valeur = ""
        elif isinstance(valeur, date):
            valeur = valeur.isoformat()
        donnees[nom] = str(valeur)
    for nom, valeur in modifications.items():
        if valeur is False:
            donnees.pop(nom, None)
        elif valeur is True:
            donnees[nom] = "on"
        else:
            donnees[nom] = valeur
    return donnees
