"""The timeline is append-only in the database too: UPDATE on inbox_inquiryevent is refused."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION inbox_inquiryevent_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Riwayat pesan tidak dapat diubah (inbox_inquiryevent hanya ditambah).';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS inbox_inquiryevent_no_update ON inbox_inquiryevent;
CREATE TRIGGER inbox_inquiryevent_no_update BEFORE UPDATE ON inbox_inquiryevent
    FOR EACH ROW EXECUTE FUNCTION inbox_inquiryevent_immutable();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS inbox_inquiryevent_no_update ON inbox_inquiryevent;
DROP FUNCTION IF EXISTS inbox_inquiryevent_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("inbox", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
