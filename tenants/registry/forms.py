"""Admin forms of the registry. They only collect input: services validate and decide."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from .models import Appointment, AudienceFigure, OfficialAccount, SuratKeputusan
from .selectors import decree_active_list, official_account_list_active

PDF_WIDGET = forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})
# Services normalise and check these; the model's own validators would reject raw spellings.
SERVICE_VALIDATED = {"url", "handle", "nip", "signer_nip", "month", "pdf"}


class ServiceValidatedForm(WagtailAdminModelForm):
    """A model form whose model-level checks are left to the registry services."""

    def _get_validation_exclusions(self):
        return set(super()._get_validation_exclusions()) | SERVICE_VALIDATED

    def validate_unique(self):
        """Uniqueness is settled by the services (with messages that name the conflict)."""


class DecreeForm(ServiceValidatedForm):
    class Meta:
        model = SuratKeputusan
        fields = [
            "number",
            "date",
            "title",
            "signer_name",
            "signer_nip",
            "subject",
            "effective_date",
            "pdf",
        ]
        widgets = {"pdf": PDF_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer_nip"].help_text = "18 angka, tanpa spasi."
        self.fields[
            "pdf"
        ].help_text = "Pindaian SK yang sudah ditandatangani, PDF paling besar 10 MB."


class AccountForm(ServiceValidatedForm):
    url = forms.CharField(
        label="Alamat (URL) akun",
        required=False,
        max_length=500,
        help_text="Boleh ditempel apa adanya; alamat dirapikan otomatis (https, tanpa www, "
        "tanpa parameter pelacak).",
    )
    handle = forms.CharField(
        label="Nama akun (handle)",
        required=False,
        max_length=101,
        help_text="Tanpa @. Cukup salah satu: alamat atau nama akun.",
    )
    active_since = forms.DateField(
        label="Resmi sejak",
        required=False,
        widget=AdminDateInput,
        help_text="Kosongkan untuk memakai tanggal berlaku SK.",
    )

    class Meta:
        model = OfficialAccount
        fields = [
            "platform",
            "url",
            "handle",
            "display_name",
            "audience_note",
            "decree",
            "active_since",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("platform", "decree", "active_since"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        else:
            self.fields["decree"].queryset = decree_active_list()
            self.fields["decree"].help_text = "Hanya SK penetapan akun yang berlaku."


class AppointmentForm(ServiceValidatedForm):
    start_date = forms.DateField(
        label="Mulai",
        required=False,
        widget=AdminDateInput,
        help_text="Kosongkan untuk memakai tanggal berlaku SK.",
    )

    class Meta:
        model = Appointment
        fields = [
            "person_name",
            "nip",
            "position",
            "role",
            "accounts",
            "decree",
            "start_date",
            "end_date",
        ]
        widgets = {"accounts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nip"].help_text = (
            "18 angka: tanggal lahir (TTTTBBHH), bulan pengangkatan (TTTTBB), jenis kelamin "
            "(1/2), nomor urut."
        )
        self.fields["accounts"].queryset = official_account_list_active()
        self.fields["accounts"].required = False
        if self.instance.pk:
            for name in ("role", "decree", "start_date"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        else:
            self.fields["decree"].queryset = decree_active_list()


class AudienceForm(ServiceValidatedForm):
    month = forms.RegexField(
        label="Bulan (TTTT-BB)",
        regex=r"^\s*\d{4}-\d{1,2}\s*$",
        error_messages={"invalid": "Tulis bulan sebagai TTTT-BB, mis. 2026-01."},
    )

    class Meta:
        model = AudienceFigure
        fields = ["account", "month", "followers"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["month"] = f"{self.instance.month:%Y-%m}"
            for name in ("account", "month"):
                self.fields[name].disabled = True
                self.fields[name].required = False
        else:
            self.fields["account"].queryset = official_account_list_active()


# --- action forms (no model instance) ---------------------------------------------------------


class DecreeReplaceForm(forms.Form):
    number = forms.CharField(label="Nomor SK baru", max_length=120)
    date = forms.DateField(label="Tanggal ditetapkan", widget=AdminDateInput)
    title = forms.CharField(label="Tentang (judul)", max_length=300)
    signer_name = forms.CharField(label="Nama Kepala Instansi penanda tangan", max_length=150)
    signer_nip = forms.CharField(label="NIP penanda tangan", max_length=30)
    effective_date = forms.DateField(label="Tanggal berlaku", widget=AdminDateInput)
    pdf = forms.FileField(label="Berkas SK baru (PDF)", widget=PDF_WIDGET)
    continue_accounts = forms.ModelMultipleChoiceField(
        label="Akun yang dilanjutkan",
        queryset=OfficialAccount.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Akun yang tidak dicentang dihentikan oleh SK baru.",
    )
    continue_appointments = forms.ModelMultipleChoiceField(
        label="Penunjukan yang dilanjutkan",
        queryset=Appointment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Penunjukan yang tidak dicentang diakhiri oleh SK baru.",
    )

    def __init__(self, *args, decree: SuratKeputusan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["continue_accounts"].queryset = decree.accounts.filter(
            status=OfficialAccount.Status.ACTIVE
        )
        self.fields["continue_appointments"].queryset = decree.appointments.filter(
            status=Appointment.Status.ACTIVE
        )
        self.initial.setdefault("title", decree.title)
        self.initial.setdefault("signer_name", decree.signer_name)
        self.initial.setdefault("signer_nip", decree.signer_nip)


class DecreeRevokeForm(forms.Form):
    note = forms.CharField(label="Alasan pencabutan", max_length=300)
    on = forms.DateField(label="Tanggal pencabutan", widget=AdminDateInput, required=False)


class AccountRetireForm(forms.Form):
    decree = forms.ModelChoiceField(
        label="Dihentikan oleh SK",
        queryset=SuratKeputusan.objects.none(),
        help_text="SK berlaku yang menghentikan akun ini.",
    )
    on = forms.DateField(label="Tanggal dihentikan", widget=AdminDateInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decree"].queryset = decree_active_list()


class AccountReactivateForm(AccountRetireForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decree"].label = "Diaktifkan kembali oleh SK"
        self.fields["decree"].help_text = "SK berlaku yang menetapkan kembali akun ini."
        self.fields["on"].label = "Resmi sejak"


class AppointmentEndForm(forms.Form):
    on = forms.DateField(label="Tanggal berakhir", widget=AdminDateInput, required=False)
    decree = forms.ModelChoiceField(
        label="Diakhiri oleh SK (bila ada)",
        queryset=SuratKeputusan.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decree"].queryset = decree_active_list()


class AudienceImportForm(forms.Form):
    file = forms.FileField(
        label="Berkas CSV",
        help_text="Kolom: akun (alamat atau nama akun), bulan (TTTT-BB), pengikut. "
        "Semua baris disimpan, atau tidak sama sekali bila ada yang salah.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
