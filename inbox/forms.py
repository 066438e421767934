"""Forms of the inbox: the public inquiry form (site and portal) and the staff actions."""

from django import forms

from tenants.models import Instansi

from .models import BODY_MAX_LENGTH, CONTACT_MAX_LENGTH, NAME_MAX_LENGTH, TEXT_MAX_LENGTH, Inquiry

DONT_KNOW = "tidak-tahu"
INSTANSI_MESSAGE = "Pilih instansi tujuan pesan, atau «Tidak tahu» bila Anda tidak yakin."
TRACK_CODE_MESSAGE = "Masukkan kode lacak dari tanda terima Anda, mis. ABCD-EFGH-JKMN."


KIND_MESSAGE = "Pilih jenis pesan: pertanyaan, komentar, kritik, atau saran."


class InquiryPublicForm(forms.Form):
    kind = forms.ChoiceField(
        label="Jenis pesan",
        choices=Inquiry.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": KIND_MESSAGE, "invalid_choice": KIND_MESSAGE},
    )
    body = forms.CharField(
        label="Isi pesan",
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Isi pesan wajib diisi.",
            "max_length": f"Isi pesan paling banyak {BODY_MAX_LENGTH} karakter.",
        },
    )
    citizen_name = forms.CharField(
        label="Nama (boleh dikosongkan)",
        max_length=NAME_MAX_LENGTH,
        required=False,
        error_messages={"max_length": f"Nama paling banyak {NAME_MAX_LENGTH} karakter."},
    )
    citizen_contact = forms.CharField(
        label="Surel atau nomor telepon (boleh dikosongkan)",
        max_length=CONTACT_MAX_LENGTH,
        required=False,
        error_messages={
            "max_length": f"Surel atau nomor telepon paling banyak {CONTACT_MAX_LENGTH} karakter."
        },
        help_text="Hanya dilihat petugas instansi yang menangani pesan Anda.",
    )
    # Honeypot: hidden from people by CSS, filled in by bots.
    situs_web = forms.CharField(label="Jangan diisi", required=False)

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Isi pesan wajib diisi.")
        return body

    def is_spam(self) -> bool:
        return bool(self.data.get("situs_web"))


class PortalInquiryForm(InquiryPublicForm):
    instansi = forms.ChoiceField(
        label="Ditujukan kepada",
        required=True,
        error_messages={
            "required": INSTANSI_MESSAGE,
            "invalid_choice": INSTANSI_MESSAGE,
        },
    )

    field_order = ["instansi", "kind", "body", "citizen_name", "citizen_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(DONT_KNOW, "Tidak tahu — Diskominfo akan meneruskan ke instansi terkait")]
        choices += [(i.schema_name, i.name) for i in Instansi.objects.active().order_by("name")]
        self.fields["instansi"].choices = choices


class TrackForm(forms.Form):
    code = forms.CharField(
        label="Kode lacak",
        max_length=20,
        error_messages={
            "required": TRACK_CODE_MESSAGE,
            "max_length": "Kode lacak terdiri atas 12 huruf/angka, mis. ABCD-EFGH-JKMN.",
        },
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Jawaban", max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label="Balasan untuk masyarakat",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReferForm(forms.Form):
    to_instansi = forms.ChoiceField(label="Rujuk ke instansi")
    note = forms.CharField(
        label="Catatan untuk instansi tujuan",
        max_length=TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, instansi: Instansi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_instansi"].choices = [("", "— pilih instansi —")] + [
            (i.schema_name, i.name)
            for i in Instansi.objects.active().exclude(pk=instansi.pk).order_by("name")
        ]


class ReferralAnswerForm(forms.Form):
    answer = forms.CharField(
        label="Jawaban instansi kami",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    answered_by_name = forms.CharField(label="Nama penjawab", max_length=200, required=False)


class ReferralDeclineForm(forms.Form):
    reason = forms.CharField(
        label="Alasan (bukan kewenangan kami)",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    suggested_instansi = forms.ChoiceField(label="Instansi yang berwenang (saran)", required=False)

    def __init__(self, *args, instansi: Instansi, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested_instansi"].choices = [("", "— tidak tahu —")] + [
            (i.schema_name, i.name)
            for i in Instansi.objects.active().exclude(pk=instansi.pk).order_by("name")
        ]


class TopicsForm(forms.Form):
    topics = forms.CharField(label="Topik (pisahkan dengan koma)", max_length=700, required=False)


class RecommendationForm(forms.Form):
    findings = forms.CharField(
        label="Temuan",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommendations = forms.CharField(
        label="Rekomendasi tindak lanjut kebijakan",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    follow_up = forms.CharField(
        label="Rencana tindak lanjut",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecordForm(InquiryPublicForm):
    """The petugas records input received outside the site: social media, phone, e-mail."""

    channel = forms.ChoiceField(
        label="Kanal",
        choices=[
            c for c in Inquiry.Channel.choices if c[0] not in (Inquiry.Channel.API, "open311")
        ],
    )
    official_account = forms.ChoiceField(
        label="Akun resmi (wajib untuk kanal akun media sosial resmi)", required=False
    )
    channel_detail = forms.CharField(
        label="Rincian kanal (mis. nomor telepon penerima, alamat surel)",
        max_length=300,
        required=False,
    )

    field_order = [
        "channel",
        "official_account",
        "channel_detail",
        "kind",
        "body",
        "citizen_name",
        "citizen_contact",
    ]

    def __init__(self, *args, accounts: list, **kwargs):
        from .services import official_account_label

        super().__init__(*args, **kwargs)
        del self.fields["situs_web"]
        # Values are the accounts' registry ids; the service checks them against the directory.
        self.fields["official_account"].choices = [("", "— bukan akun resmi —")] + [
            (str(a.account_id), official_account_label(a)) for a in accounts
        ]


RATING_MESSAGE = "Pilih nilai 1 sampai 5."


class RateForm(forms.Form):
    """The citizen rates the answer on the tracking page (once)."""

    rating = forms.TypedChoiceField(
        label="Nilai jawaban (1 = sangat buruk, 5 = sangat baik)",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": RATING_MESSAGE, "invalid_choice": RATING_MESSAGE},
    )
    comment = forms.CharField(
        label="Komentar (boleh dikosongkan)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Komentar paling banyak 1000 karakter."},
    )
    prefix = "nilai"


class FollowUpForm(forms.Form):
    """The citizen's one follow-up question on the answer; it reopens the inquiry."""

    question = forms.CharField(
        label="Pertanyaan lanjutan",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Pertanyaan lanjutan wajib diisi.",
            "max_length": "Pertanyaan lanjutan paling banyak 2000 karakter.",
        },
    )
    prefix = "lanjutan"

    def clean_question(self):
        question = self.cleaned_data["question"].strip()
        if not question:
            raise forms.ValidationError("Pertanyaan lanjutan wajib diisi.")
        return question
