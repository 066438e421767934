"""Admin forms of the website's pages: clear Indonesian messages for the Pasal 9e/11 fields."""

from wagtail.admin.forms import WagtailAdminPageForm

CATEGORY_REQUIRED = (
    "Pilih kategori pesan menurut Pasal 11: kegiatan instansi, isu aktual daerah, atau "
    "kebijakan pemerintah pusat dan provinsi."
)
TAGAR_REQUIRED = "Isikan minimal satu tagar tema pesan (Pasal 9e), mis. #SintangSehat."


class NewsPageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].error_messages["required"] = CATEGORY_REQUIRED
            self.fields["category"].error_messages["invalid_choice"] = CATEGORY_REQUIRED
        if "tagar" in self.fields:
            self.fields["tagar"].error_messages["required"] = TAGAR_REQUIRED
