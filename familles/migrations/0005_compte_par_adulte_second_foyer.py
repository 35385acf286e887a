"""Un compte par adulte : le compte de chaque famille passe à son responsable principal.

Le compte garde son identifiant, son e-mail et son mot de passe : le parent se connecte comme
avant, sans nouveau mot de passe. Une famille qui avait un compte sans responsable reçoit un
responsable principal tiré du compte (prénom, nom), pour ne perdre aucun accès.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def comptes_vers_responsables(apps, schema_editor):
    Famille = apps.get_model("familles", "Famille")
    Responsable = apps.get_model("familles", "Responsable")
    for famille in Famille.objects.filter(compte__isnull=False).select_related("compte"):
        responsable = Responsable.objects.filter(famille=famille, role="responsable").first()
        if responsable is None:
            responsable = Responsable(
                famille=famille,
                role="responsable",
                nom=famille.compte.last_name or famille.nom,
                prenom=famille.compte.first_name or "Responsable",
                email=famille.compte.email,
            )
        responsable.compte_id = famille.compte_id
        responsable.save()


def comptes_vers_familles(apps, schema_editor):
    Famille = apps.get_model("familles", "Famille")
    Responsable = apps.get_model("familles", "Responsable")
    for responsable in Responsable.objects.filter(role="responsable", compte__isnull=False):
        Famille.objects.filter(pk=responsable.famille_id).update(compte=responsable.compte_id)


class Migration(migrations.Migration):
    dependencies = [
        ("familles", "0004_bornes_fiscales"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="enfant",
            name="second_foyer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="enfants_accueillis",
                to="familles.famille",
                verbose_name="second foyer (garde alternée)",
            ),
        ),
        migrations.AddField(
            model_name="historicalenfant",
            name="second_foyer",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="familles.famille",
                verbose_name="second foyer (garde alternée)",
            ),
        ),
        migrations.AddField(
            model_name="historicalresponsable",
            name="compte",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="compte",
            ),
        ),
        migrations.AddField(
            model_name="responsable",
            name="compte",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="responsable",
                to=settings.AUTH_USER_MODEL,
                verbose_name="compte",
            ),
        ),
        migrations.RunPython(comptes_vers_responsables, comptes_vers_familles),
        migrations.RemoveField(
            model_name="famille",
            name="compte",
        ),
        migrations.RemoveField(
            model_name="historicalfamille",
            name="compte",
        ),
        migrations.AddConstraint(
            model_name="enfant",
            constraint=models.CheckConstraint(
                condition=models.Q(("second_foyer", models.F("famille")), _negated=True),
                name="second_foyer_distinct",
            ),
        ),
    ]
