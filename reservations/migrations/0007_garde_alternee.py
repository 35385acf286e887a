"""Garde alternée : chaque réservation retient le foyer qui l'a faite (les réservations
existantes : le foyer de l'enfant) ; règle « toujours facturé à ce foyer » par activité."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def foyer_de_l_enfant(apps, schema_editor):
    Reservation = apps.get_model("reservations", "Reservation")
    Enfant = apps.get_model("familles", "Enfant")
    Reservation.objects.update(
        famille_id=models.Subquery(
            Enfant.objects.filter(pk=models.OuterRef("enfant_id")).values("famille_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("familles", "0005_compte_par_adulte_second_foyer"),
        ("reservations", "0006_regle_fermeture_des_periodes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreservation",
            name="famille",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="familles.famille",
                verbose_name="foyer qui a réservé",
            ),
        ),
        migrations.AddField(
            model_name="reservation",
            name="famille",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="familles.famille",
                verbose_name="foyer qui a réservé",
            ),
        ),
        migrations.RunPython(foyer_de_l_enfant, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reservation",
            name="famille",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="familles.famille",
                verbose_name="foyer qui a réservé",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalFoyerFacture",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "activite",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="reservations.activite",
                        verbose_name="activité",
                    ),
                ),
                (
                    "enfant",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="familles.enfant",
                        verbose_name="enfant",
                    ),
                ),
                (
                    "famille",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="familles.famille",
                        verbose_name="foyer facturé",
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical foyer facturé (garde alternée)",
                "verbose_name_plural": "historical foyers facturés (garde alternée)",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="FoyerFacture",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "activite",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="reservations.activite",
                        verbose_name="activité",
                    ),
                ),
                (
                    "enfant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="foyers_factures",
                        to="familles.enfant",
                        verbose_name="enfant",
                    ),
                ),
                (
                    "famille",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="familles.famille",
                        verbose_name="foyer facturé",
                    ),
                ),
            ],
            options={
                "verbose_name": "foyer facturé (garde alternée)",
                "verbose_name_plural": "foyers facturés (garde alternée)",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("enfant", "activite"), name="foyer_facture_unique_par_activite"
                    )
                ],
            },
        ),
    ]
