"""Le socle partagé par toutes les applications : configuration de la commune, comptes,
fichiers privés, PDF, e-mails, registre des applications, conservation des données.

Il n'importe aucune application métier (contrat vérifié par import-linter, bin/tester) ;
le reste de ``portail/`` est le site (réglages, adresses, accueil, comptes, accueil de
l'admin), qui peut importer toutes les applications.
"""
