"""SOP versions: the two templates, bad input, activation bound to the news workflow, versioning."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, WorkflowPage

from cms.selectors import news_index_page
from core.errors import SimpulError
from sop import blueprints, services
from sop.models import Sop, SopStep

SINTANG_TABLE = [
    # order, executor, minutes, output (DOMAIN.md §2 and the lampiran of Perbup Sintang 55/2018)
    (
        1,
        "Kasubbag Humas, Peliputan dan Pemberitaan",
        60,
        "Nota Dinas dan Bahan/data terkait Publikasi/Pemberitaan.",
    ),
    (2, "Staf Fungsional Umum", 60, "Nota Dinas dan Draft Publikasi/Pemberitaan (Release)"),
    (
        3,
        "Kasubbag Humas, Peliputan dan Pemberitaan",
        5,
        "Nota Dinas dan Draft Publikasi/Pemberitaan (Release)",
    ),
    (4, "Kabag Humas dan Protokol", 5, "Press Release & Video"),
    (5, "Kasubbag Humas, Peliputan dan Pemberitaan", 5, "Postingan"),
]


def test_sintang_template_reproduces_the_table_exactly(humas):
    sop = services.sop_create_from_template(actor=None, template_key="sintang")
    steps = list(sop.steps.select_related("role").order_by("order"))
    assert [(s.order, s.role.name, s.standard_minutes, s.output) for s in steps] == SINTANG_TABLE
    assert len({s.role_id for s in steps}) == 3
    assert steps[0].activity.startswith("Memerintahkan Staf Fungsional Umum")
    assert steps[0].kelengkapan == (
        "Bahan/data terkait Publikasi dan Pemberitaan (materi, catatan, wawancara dan "
        "dokumentasi foto/video)"
    )
    assert steps[3].notes == "Terkait SOP Surat Keluar"
    assert [s.stage for s in steps] == [
        "penugasan",
        "penyusunan",
        "tinjauan",
        "tinjauan",
        "publikasi",
    ]
    assert steps[0].symbol == "mulai" and steps[-1].symbol == "selesai"
    assert sop.kind == Sop.Kind.PUBLIKASI and sop.status == Sop.Status.DRAF and sop.version == 1


def test_kobar_template_follows_lampiran_b(humas):
    sop = services.sop_create_from_template(actor=None, template_key="kobar_lampiran_b")
    steps = list(sop.steps.select_related("role").order_by("order"))
    assert [s.activity for s in steps] == [
        "Menerima Pertanyaan/Komentar/Kritik/Saran",
        "Jawaban Tersedia?",
        "Menghubungi Instansi Terkait",
        "Menyiapkan Jawaban",
        "Mengirim Jawaban",
        "Menjawab Pertanyaan/Komentar/Kritik/Saran",
    ]
    assert {s.role.name for s in steps} == {blueprints.PETUGAS, blueprints.PETUGAS_TERKAIT}
    assert steps[1].symbol == "keputusan"
    assert "24 (dua puluh empat) jam" in steps[3].notes
    assert sop.kind == Sop.Kind.LAYANAN_INFORMASI


def test_template_roles_can_be_mapped_to_the_instansi_groups(humas):
    own = Group.objects.create(name="Kepala Subbagian Publikasi")
    sop = services.sop_create_from_template(
        actor=None, template_key="sintang", roles={blueprints.KASUBBAG: own}
    )
    assert set(sop.steps.filter(role=own).values_list("order", flat=True)) == {1, 3, 5}


def _steps(sop):
    return services.steps_as_input(sop)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s[1].update(role=None), "Langkah 2: pelaksana (grup peran) wajib dipilih."),
        (lambda s: s[2].update(standard_minutes=0), "Langkah 3: waktu harus lebih dari 0 menit"),
        (lambda s: s[2].update(standard_minutes=-5), "Langkah 3: waktu harus lebih dari 0 menit"),
        (lambda s: s[3].update(order=3), "Nomor urut langkah 3 dipakai lebih dari sekali"),
        (
            lambda s: s[4].update(symbol="proses"),
            "harus memiliki langkah akhir dengan simbol Selesai",
        ),
        (
            lambda s: s[1].update(standard_minutes="satu jam"),
            "Langkah 2: waktu harus berupa jumlah menit",
        ),
    ],
)
def test_bad_steps_get_a_clear_message_and_the_active_sop_stays(sintang, mutate, message):
    before = services.steps_as_input(sintang)
    steps = _steps(sintang)
    mutate(steps)
    with pytest.raises(SimpulError) as exc:
        services.sop_update(actor=None, sop=sintang, steps=steps)
    assert message in exc.value.message
    sintang.refresh_from_db()
    assert sintang.status == Sop.Status.AKTIF and sintang.version == 1
    assert services.steps_as_input(sintang) == before
    assert Sop.objects.filter(lineage=sintang.lineage).count() == 1


def test_second_active_publication_sop_is_refused(sintang):
    other = services.sop_create_from_template(actor=None, template_key="sintang", title="SOP lain")
    with pytest.raises(SimpulError) as exc:
        services.sop_activate(actor=None, sop=other)
    assert "Sudah ada SOP publikasi yang berlaku" in exc.value.message
    other.refresh_from_db()
    sintang.refresh_from_db()
    assert other.status == Sop.Status.DRAF and sintang.status == Sop.Status.AKTIF
    assert WorkflowPage.objects.get(page=news_index_page()).workflow_id == sintang.workflow_id


def test_role_group_without_members_is_refused(humas):
    from .factories import make_user

    kasubbag = make_user("kasubbag_anggota", ["Kasubbag uji"]).groups.get()
    staf = make_user("staf_anggota", ["Staf uji"]).groups.get()
    empty = Group.objects.create(name="Kabag tanpa anggota")
    sop = services.sop_create_from_template(
        actor=None,
        template_key="sintang",
        roles={blueprints.KASUBBAG: kasubbag, blueprints.STAF: staf, blueprints.KABAG: empty},
    )
    with pytest.raises(SimpulError) as exc:
        services.sop_activate(actor=None, sop=sop)
    assert "Langkah 4: grup pelaksana “Kabag tanpa anggota” belum memiliki anggota aktif" in (
        exc.value.message
    )
    sop.refresh_from_db()
    assert sop.status == Sop.Status.DRAF and sop.workflow is None
    assert not WorkflowPage.objects.filter(page=news_index_page()).exists()


def test_empty_group_in_an_edit_of_the_active_sop_keeps_it(sintang):
    empty = Group.objects.create(name="Grup kosong")
    steps = _steps(sintang)
    steps[3]["role"] = empty
    with pytest.raises(SimpulError, match="belum memiliki anggota aktif"):
        services.sop_update(actor=None, sop=sintang, steps=steps)
    sintang.refresh_from_db()
    assert sintang.status == Sop.Status.AKTIF
    assert Sop.objects.filter(lineage=sintang.lineage).count() == 1


def test_activation_binds_a_workflow_of_the_review_steps_to_the_news_section(sintang):
    workflow = sintang.workflow
    assert WorkflowPage.objects.get(page=news_index_page()).workflow == workflow
    tasks = [t.specific for t in workflow.tasks]
    assert len(tasks) == 3
    assert all(isinstance(t, GroupApprovalTask) for t in tasks)
    groups = [list(t.groups.values_list("name", flat=True)) for t in tasks]
    assert groups == [[blueprints.KASUBBAG], [blueprints.KABAG], [blueprints.KASUBBAG]]
    steps = {s.order: s for s in sintang.steps.all()}
    assert [steps[3].task_id, steps[4].task_id, steps[5].task_id] == [t.pk for t in tasks]


def test_editing_an_active_sop_makes_a_new_version(sintang):
    steps = _steps(sintang)
    steps[2]["standard_minutes"] = 15
    new = services.sop_update(actor=None, sop=sintang, steps=steps)
    sintang.refresh_from_db()
    assert (new.version, new.status) == (2, Sop.Status.AKTIF)
    assert sintang.status == Sop.Status.NONAKTIF and sintang.retired_at is not None
    assert sintang.steps.get(order=3).standard_minutes == 5
    assert new.steps.get(order=3).standard_minutes == 15
    assert WorkflowPage.objects.get(page=news_index_page()).workflow == new.workflow
    assert new.workflow_id != sintang.workflow_id


def test_editing_a_draft_changes_it_in_place(humas):
    sop = services.sop_create_from_template(actor=None, template_key="kobar_lampiran_b")
    steps = _steps(sop)
    steps[0]["standard_minutes"] = 30
    same = services.sop_update(actor=None, sop=sop, steps=steps, title="Layanan informasi medsos")
    assert same.pk == sop.pk and same.version == 1
    assert same.steps.get(order=1).standard_minutes == 30
    assert same.title == "Layanan informasi medsos"


def test_unknown_template_and_empty_title(humas):
    with pytest.raises(SimpulError, match="Templat 'lain' tidak dikenal"):
        services.sop_create_from_template(actor=None, template_key="lain")
    with pytest.raises(SimpulError, match="Judul SOP wajib diisi"):
        services.sop_create(actor=None, title=" ", kind="publikasi", steps=[])


def test_changes_leave_an_audit_record(sintang):
    from tenants.models import AuditEntry

    actions = set(
        AuditEntry.objects.filter(object_type="sop.Sop", object_id=str(sintang.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"sop.create", "sop.activate"} <= actions


def test_symbols_and_stages_are_validated(sintang):
    steps = _steps(sintang)
    steps[1]["symbol"] = "segitiga"
    with pytest.raises(SimpulError, match="simbol 'segitiga' tidak dikenal"):
        services.sop_update(actor=None, sop=sintang, steps=steps)
    assert SopStep.objects.filter(sop=sintang).count() == 5
