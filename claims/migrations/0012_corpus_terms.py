from django.db import migrations, models

# PostgreSQL only. The full-text vector is now built from the engine's own tokens ('simple' configuration:
# no second stemmer, no second stop list), so the database ranks by BM25 over exactly the terms the
# in-process index of the SQLite default uses, and both give the same ranking.
SEARCH_VECTOR_SQL = [
    "DROP INDEX IF EXISTS corpusitem_search_vector_gin",
    "ALTER TABLE claims_corpusitem DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE claims_corpusitem ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', terms), 'B')) STORED",
    # Read far more often than written, and written in batches: no pending list to scan on every search.
    "CREATE INDEX corpusitem_search_vector_gin ON claims_corpusitem USING gin (search_vector)"
    " WITH (fastupdate = off)",
]
OLD_SEARCH_VECTOR_SQL = [
    "DROP INDEX IF EXISTS corpusitem_search_vector_gin",
    "ALTER TABLE claims_corpusitem DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE claims_corpusitem ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(text, '')), 'B')) STORED",
    "CREATE INDEX corpusitem_search_vector_gin ON claims_corpusitem USING gin (search_vector)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def clear_embeddings(apps, schema_editor):
    # Items indexed before this migration have no terms: embedding them again sets both.
    apps.get_model("claims", "CorpusItem").objects.update(embedding=None, embedding_model="", indexed_at=None)


class Migration(migrations.Migration):
    dependencies = [("claims", "0011_job_retry")]

    operations = [
        migrations.AddField(model_name="corpusitem", name="title_terms", field=models.TextField(blank=True)),
        migrations.AddField(model_name="corpusitem", name="terms", field=models.TextField(blank=True)),
        migrations.AddField(
            model_name="corpusitem", name="term_count", field=models.PositiveIntegerField(default=0)
        ),
        migrations.RunPython(clear_embeddings, migrations.RunPython.noop),
        migrations.RunPython(_run(SEARCH_VECTOR_SQL), _run(OLD_SEARCH_VECTOR_SQL)),
    ]
