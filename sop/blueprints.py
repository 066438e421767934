"""The SOP templates an instansi starts from, worded exactly as in the two regulations.

- "sintang": the table in the lampiran of Peraturan Bupati Sintang No. 55/2018 (publication).
- "kobar_lampiran_b": the flowchart of Lampiran B of Peraturan Bupati Kotawaringin Barat
  No. 20/2017 (inquiry handling through social media). The regulation sets only the 24-hour
  limit for the related instansi (Lampiran B number 4); the other times are Simpul's proposal,
  marked as such in the notes column, for the instansi to adjust before its decree.
"""

from dataclasses import dataclass

KASUBBAG = "Kasubbag Humas, Peliputan dan Pemberitaan"
STAF = "Staf Fungsional Umum"
KABAG = "Kabag Humas dan Protokol"
PETUGAS = "Petugas Pengelola Media Sosial Instansi"
PETUGAS_TERKAIT = "Petugas Pengelola Media Sosial Instansi Terkait"


@dataclass(frozen=True)
class StepBlueprint:
    order: int
    activity: str
    role: str
    symbol: str  # SopStep.Symbol value
    stage: str  # SopStep.Stage value
    kelengkapan: str
    standard_minutes: int
    output: str
    notes: str = ""


@dataclass(frozen=True)
class SopBlueprint:
    key: str
    title: str
    kind: str  # Sop.Kind value
    source: str
    steps: tuple[StepBlueprint, ...]

    @property
    def roles(self) -> list[str]:
        """Executor roles in the order they first appear (the matrix's columns)."""
        seen: list[str] = []
        for step in self.steps:
            if step.role not in seen:
                seen.append(step.role)
        return seen


SINTANG = SopBlueprint(
    key="sintang",
    title="Penyebarluasan Informasi Kegiatan",
    kind="publikasi",
    source="Peraturan Bupati Sintang Nomor 55 Tahun 2018, Lampiran",
    steps=(
        StepBlueprint(
            order=1,
            activity=(
                "Memerintahkan Staf Fungsional Umum untuk melakukan pendokumentasian dan "
                "peliputan kegiatan Pemerintah Daerah di lapangan."
            ),
            role=KASUBBAG,
            symbol="mulai",
            stage="penugasan",
            kelengkapan=(
                "Bahan/data terkait Publikasi dan Pemberitaan (materi, catatan, wawancara dan "
                "dokumentasi foto/video)"
            ),
            standard_minutes=60,
            output="Nota Dinas dan Bahan/data terkait Publikasi/Pemberitaan.",
        ),
        StepBlueprint(
            order=2,
            activity=(
                "Mengumpulkan bahan/data untuk publikasi dan pemberitaan untuk kemudian "
                "disampaikan kepada Kasubbag Humas, Peliputan dan Pemberitaan"
            ),
            role=STAF,
            symbol="proses",
            stage="penyusunan",
            kelengkapan="Materi, catatan, wawancara dan dokumentasi foto/video.",
            standard_minutes=60,
            output="Nota Dinas dan Draft Publikasi/Pemberitaan (Release)",
        ),
        StepBlueprint(
            order=3,
            activity=(
                "Mengkoreksi Draft Redaksional Publikasi dan Pemberitaan untuk disampaikan "
                "kepada Kabag Humas dan Protokol"
            ),
            role=KASUBBAG,
            symbol="proses",
            stage="tinjauan",
            kelengkapan="Materi, catatan, wawancara dan dokumentasi foto/video.",
            standard_minutes=5,
            output="Nota Dinas dan Draft Publikasi/Pemberitaan (Release)",
        ),
        StepBlueprint(
            order=4,
            activity=(
                "Mengkoreksi Draft Redaksional Publikasi dan Pemberitaan, untuk dikembalikan "
                "kepada Kasubbag Humas, Peliputan dan Pemberitaan untuk di upload di website "
                "dan akun media sosial."
            ),
            role=KABAG,
            symbol="proses",
            stage="tinjauan",
            kelengkapan="Draft Release & Video",
            standard_minutes=5,
            output="Press Release & Video",
            notes="Terkait SOP Surat Keluar",
        ),
        StepBlueprint(
            order=5,
            activity=(
                "Menerima Draft Redaksional Publikasi dan Pemberitaan untuk di upload di "
                "website dan akun media sosial."
            ),
            role=KASUBBAG,
            symbol="selesai",
            stage="publikasi",
            kelengkapan="Draft Release & Video",
            standard_minutes=5,
            output="Postingan",
        ),
    ),
)

_PROPOSED = "Waktu usulan Simpul (tidak diatur Lampiran B); sesuaikan sebelum ditetapkan."

KOBAR_LAMPIRAN_B = SopBlueprint(
    key="kobar_lampiran_b",
    title="Mekanisme Pelayanan Informasi melalui Media Sosial",
    kind="layanan_informasi",
    source="Peraturan Bupati Kotawaringin Barat Nomor 20 Tahun 2017, Lampiran B",
    steps=(
        StepBlueprint(
            order=1,
            activity="Menerima Pertanyaan/Komentar/Kritik/Saran",
            role=PETUGAS,
            symbol="mulai",
            stage="lainnya",
            kelengkapan="Pertanyaan/komentar/kritik/saran pada media sosial",
            standard_minutes=60,
            output="Pertanyaan/komentar/kritik/saran tercatat",
            notes=(
                "Petugas pengelola media sosial menerima pertanyaan/komentar/kritik/saran pada "
                f"media sosial. {_PROPOSED}"
            ),
        ),
        StepBlueprint(
            order=2,
            activity="Jawaban Tersedia?",
            role=PETUGAS,
            symbol="keputusan",
            stage="lainnya",
            kelengkapan="Pertanyaan/komentar/kritik/saran",
            standard_minutes=60,
            output="Ya: langkah 6; Tidak: langkah 3",
            notes=(
                "Jika jawaban pertanyaan/komentar/kritik/saran sudah tersedia maka petugas "
                "pengelola media sosial langsung menjawab pertanyaan/komentar/kritik/saran "
                f"tersebut. {_PROPOSED}"
            ),
        ),
        StepBlueprint(
            order=3,
            activity="Menghubungi Instansi Terkait",
            role=PETUGAS,
            symbol="proses",
            stage="lainnya",
            kelengkapan="Pertanyaan/komentar/kritik/saran",
            standard_minutes=60,
            output="Permintaan jawaban kepada instansi terkait",
            notes=(
                "Apabila pertanyaan/komentar/kritik/saran merupakan kewenangan instansi lain, "
                "maka petugas pengelola media sosial menghubungi instansi tersebut. "
                f"{_PROPOSED}"
            ),
        ),
        StepBlueprint(
            order=4,
            activity="Menyiapkan Jawaban",
            role=PETUGAS_TERKAIT,
            symbol="proses",
            stage="lainnya",
            kelengkapan="Permintaan jawaban",
            standard_minutes=1380,
            output="Jawaban",
            notes=(
                "Instansi terkait memberikan jawaban terhadap pertanyaan/komentar/kritik/saran "
                "melalui petugas pengelola media sosial dalam waktu maksimal 24 (dua puluh "
                "empat) jam (langkah 4 dan 5 bersama)."
            ),
        ),
        StepBlueprint(
            order=5,
            activity="Mengirim Jawaban",
            role=PETUGAS_TERKAIT,
            symbol="proses",
            stage="lainnya",
            kelengkapan="Jawaban",
            standard_minutes=60,
            output="Jawaban terkirim kepada petugas pengelola media sosial",
            notes="Bagian dari batas 24 (dua puluh empat) jam langkah 4.",
        ),
        StepBlueprint(
            order=6,
            activity="Menjawab Pertanyaan/Komentar/Kritik/Saran",
            role=PETUGAS,
            symbol="selesai",
            stage="lainnya",
            kelengkapan="Jawaban tersedia atau jawaban dari instansi terkait",
            standard_minutes=60,
            output="Jawaban kepada masyarakat",
            notes=(
                "Petugas pengelola media sosial menjawab pertanyaan/komentar/kritik/saran "
                f"berdasarkan jawaban dari instansi terkait. {_PROPOSED}"
            ),
        ),
    ),
)

BLUEPRINTS: dict[str, SopBlueprint] = {b.key: b for b in (SINTANG, KOBAR_LAMPIRAN_B)}
