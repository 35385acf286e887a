"""Base des commandes manage.py du portail : une aide --help entièrement en français."""

import re
import sys
from typing import Any, NoReturn

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)

AIDE_OPTIONS_COMMUNES = {
    "help": "affiche cette aide et quitte",
    "version": "affiche la version de Django et quitte",
    "verbosity": "niveau de détail : 0 = minimal, 1 = normal, 2 = détaillé, 3 = très détaillé",
    "settings": "module de réglages Python (à défaut : la variable DJANGO_SETTINGS_MODULE)",
    "pythonpath": "dossier à ajouter au chemin de recherche de Python",
    "traceback": "affiche la pile d'appels complète en cas d'erreur",
    "no_color": "sortie sans couleurs",
    "force_color": "sortie toujours en couleurs",
    "skip_checks": "ne lance pas les contrôles du système",
}

# Les messages d'argparse n'ont pas de traduction installée : les plus courants, en français.
ERREURS_ARGPARSE = [
    (r"argument (\S+): not allowed with argument (\S+)", r"l'option \1 ne va pas avec \2"),
    (r"the following arguments are required: (.+)", r"à indiquer : \1"),
    (r"unrecognized arguments: (.+)", r"arguments inconnus : \1"),
    (r"argument (\S+): expected one argument", r"l'option \1 attend une valeur"),
    (r"argument (\S+): invalid choice: (.+)", r"l'option \1 n'accepte pas \2"),
]


def traduire_erreur(message: str) -> str:
    for motif, francais in ERREURS_ARGPARSE:
        if re.fullmatch(motif, message):
            return re.sub(motif, francais, message)
    return message


class FormateurAide(DjangoHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any = None) -> None:
        super().add_usage(usage, actions, groups, prefix or "utilisation : ")


class CommandeFrancaise(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = FormateurAide
        parser._positionals.title = "arguments"
        parser._optionals.title = "options"
        for action in parser._actions:
            if action.dest in AIDE_OPTIONS_COMMUNES:
                action.help = AIDE_OPTIONS_COMMUNES[action.dest]

        def erreur(message: str) -> NoReturn:
            message = traduire_erreur(message)
            if not parser.called_from_command_line:
                raise CommandError(f"Erreur : {message}")
            parser.print_usage(sys.stderr)
            parser.exit(2, f"{parser.prog} : erreur : {message}\n")

        parser.error = erreur  # type: ignore[method-assign]
        return parser
