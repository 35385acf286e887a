"""Garde alternée : chaque foyer d'un enfant a ses propres personnes autorisées.

Les personnes autorisées déjà enregistrées appartiennent au foyer de l'enfant (le seul
qu'elles pouvaient avoir) ; la colonne devient ensuite obligatoire.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def personnes_vers_foyer_de_l_enfant(apps, schema_editor):
    PersonneAutorisee = apps.get_model("familles", "PersonneAutorisee")
    Enfant = apps.get_model("familles", "Enfant")
    famille_de_l_enfant = Enfant.objects.filter(pk=OuterRef("enfant_id")).values("famille_id")
    PersonneAutorisee.objects.filter(famille__isnull=True).update(
        famille_id=Subquery(famille_de_l_enfant[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("familles", "0005_compte_par_adulte_second_foyer"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpersonneautorisee",
            name="famille",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="familles.famille",
                verbose_name="foyer",
            ),
        ),
        migrations.AddField(
            model_name="personneautorisee",
            name="famille",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="personnes_autorisees",
                to="familles.famille",
                verbose_name="foyer",
            ),
        ),
        migrations.RunPython(personnes_vers_foyer_de_l_enfant, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="personneautorisee",
            name="famille",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="personnes_autorisees",
                to="familles.famille",
                verbose_name="foyer",
            ),
        ),
    ]
