# Documents carry the generation of the index write that wrote them, and the empty term's row the
# index's state (newstart.search.document_values): give an existing index its first state, so that
# processes can hold its documents' values from the start (they read them all, whatever their
# generation, for a stamp they have not seen).

import os
import struct

from django.db import migrations, models


def first_state(apps, schema_editor):
    # newstart.search.postings.IndexState(generation=1, a random stamp), as index_state_encode writes it.
    vocabulary = apps.get_model("search", "SearchVocabulary").objects.using(schema_editor.connection.alias)
    vocabulary.filter(term="").update(postings=struct.pack("<q8s", 1, os.urandom(8)))


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_unused_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchdocument",
            name="generation",
            field=models.BigIntegerField(db_index=True, default=0, verbose_name="index generation"),
        ),
        migrations.RunPython(first_state, migrations.RunPython.noop),
    ]
