<?php
/*
 * Builds a small Indonesian instansi website in a real WordPress and exports it (WXR), for the
 * WordPress import tests. Run by generate_fixtures.sh: php generate_fixtures.php <wp dir> <out.xml>
 */
$wp_dir = rtrim($argv[1], '/');
$out = $argv[2];
$_SERVER['HTTP_HOST'] = 'dinkes.contoh.go.id';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_NAME'] = 'dinkes.contoh.go.id';
define('WP_INSTALLING', true);
require $wp_dir . '/wp-load.php';
// No mail server here: the installer's notice to the admin is not sent.
function wp_new_blog_notification() {}
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$installed = wp_install('Dinas Kesehatan Kabupaten Contoh', 'admin', 'admin@dinkes.contoh.go.id', true, '', 'rahasia-admin-123');
$admin_id = $installed['user_id'];
wp_update_user(['ID' => $admin_id, 'display_name' => 'Admin Dinkes', 'first_name' => 'Admin', 'last_name' => 'Dinkes']);

require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
require_once ABSPATH . 'wp-admin/includes/post.php';
require_once ABSPATH . 'wp-admin/includes/nav-menu.php';

update_option('blogdescription', 'Melayani dengan sepenuh hati');
update_option('timezone_string', 'Asia/Jakarta');
update_option('uploads_use_yearmonth_folders', 1);
update_option('thumbnail_size_w', 150);
update_option('thumbnail_size_h', 150);
update_option('medium_size_w', 300);
update_option('medium_size_h', 300);
update_option('large_size_w', 1024);
update_option('large_size_h', 1024);
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%day%/%postname%/');
$wp_rewrite->flush_rules(false);

// An editor with unfiltered_html wrote these sites' content: what they pasted (styles, scripts,
// iframes) is in the database as written.
wp_set_current_user($admin_id);
kses_remove_filters();

$siti = wp_insert_user([
    'user_login' => 'siti', 'user_pass' => 'rahasia-siti-123', 'user_email' => 'siti@dinkes.contoh.go.id',
    'display_name' => 'Siti Rahmawati', 'first_name' => 'Siti', 'last_name' => 'Rahmawati', 'role' => 'author',
]);

// The default "Uncategorized" category, in Indonesian as an Indonesian site shows it.
wp_update_term(1, 'category', ['name' => 'Tak Berkategori', 'slug' => 'tak-berkategori']);
$cat = [];
$cat['kegiatan'] = wp_insert_term('Kegiatan', 'category', ['slug' => 'kegiatan'])['term_id'];
$cat['pengumuman'] = wp_insert_term('Pengumuman', 'category', ['slug' => 'pengumuman'])['term_id'];
$cat['kebijakan'] = wp_insert_term('Kebijakan', 'category', ['slug' => 'kebijakan'])['term_id'];
$cat['kebijakan-pusat'] = wp_insert_term('Kebijakan Pusat', 'category', ['slug' => 'kebijakan-pusat', 'parent' => $cat['kebijakan']])['term_id'];
$cat['berita-daerah'] = wp_insert_term('Berita Daerah', 'category', ['slug' => 'berita-daerah', 'description' => 'Isu kesehatan di kabupaten'])['term_id'];

function make_image($path, $w, $h, $rgb, $label) {
    $im = imagecreatetruecolor($w, $h);
    imagefill($im, 0, 0, imagecolorallocate($im, $rgb[0], $rgb[1], $rgb[2]));
    $ink = imagecolorallocate($im, 255, 255, 255);
    imagefilledrectangle($im, 20, 20, $w - 20, 60, imagecolorallocate($im, 30, 30, 30));
    imagestring($im, 5, 30, 32, $label, $ink);
    for ($i = 0; $i < 6; $i++) {
        imagefilledellipse($im, 60 + $i * 60, $h - 70, 40, 40, imagecolorallocate($im, ($rgb[0] + 40 * $i) % 256, $rgb[1], 200));
    }
    if (substr($path, -4) === '.png') { imagepng($im, $path, 9); } else { imagejpeg($im, $path, 35); }
    imagedestroy($im);
}

function make_pdf($path, $text) {
    $objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        null,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ];
    $stream = "BT /F1 18 Tf 72 760 Td (" . $text . ") Tj ET";
    $objects[3] = "<< /Length " . strlen($stream) . " >>\nstream\n" . $stream . "\nendstream";
    $pdf = "%PDF-1.4\n";
    $offsets = [];
    foreach ($objects as $i => $body) {
        $offsets[] = strlen($pdf);
        $pdf .= ($i + 1) . " 0 obj\n" . $body . "\nendobj\n";
    }
    $xref = strlen($pdf);
    $pdf .= "xref\n0 " . (count($objects) + 1) . "\n0000000000 65535 f \n";
    foreach ($offsets as $o) { $pdf .= sprintf("%010d 00000 n \n", $o); }
    $pdf .= "trailer\n<< /Size " . (count($objects) + 1) . " /Root 1 0 R >>\nstartxref\n" . $xref . "\n%%EOF\n";
    file_put_contents($path, $pdf);
}

function sideload($source, $name, $parent, $title, $alt = '', $caption = '') {
    $tmp = wp_tempnam($name);
    copy($source, $tmp);
    $id = media_handle_sideload(['name' => $name, 'tmp_name' => $tmp], $parent, $title, ['post_excerpt' => $caption]);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
    if ($alt) { update_post_meta($id, '_wp_attachment_image_alt', $alt); }
    return $id;
}

function shell_post($args) {
    $id = wp_insert_post(array_merge(['post_status' => 'publish', 'post_type' => 'post', 'post_content' => ''], $args), true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
    return $id;
}

$src = sys_get_temp_dir() . '/wpfixture-src';
@mkdir($src);
make_image("$src/posyandu.jpg", 480, 320, [20, 110, 60], 'Posyandu Sukamaju');
make_image("$src/imunisasi.jpg", 480, 320, [160, 40, 40], 'Imunisasi Campak');
make_image("$src/rapat.jpg", 480, 320, [30, 60, 150], 'Rapat Koordinasi');
make_image("$src/infografis.png", 360, 360, [200, 160, 20], 'Infografis Stunting');
make_pdf("$src/laporan.pdf", 'Laporan Kinerja Dinas Kesehatan 2024');
make_pdf("$src/pengumuman.pdf", 'Pengumuman Seleksi Tenaga Kesehatan');

// 1. Classic editor: featured image, [caption], a resized image, inline style, a script,
//    tags and an excerpt.
$p1 = shell_post(['post_title' => 'Posyandu Serentak di Desa Sukamaju', 'post_name' => 'posyandu-serentak-sukamaju',
    'post_date' => '2024-05-14 09:30:00', 'post_author' => $siti, 'post_category' => [$cat['kegiatan']]]);
$img_posyandu = sideload("$src/posyandu.jpg", 'foto-posyandu.jpg', $p1, 'Kader posyandu menimbang balita', 'Kader posyandu menimbang balita', 'Penimbangan balita di Desa Sukamaju');
$img_imunisasi = sideload("$src/imunisasi.jpg", 'foto-imunisasi.jpg', $p1, 'Imunisasi campak', 'Petugas memberi imunisasi campak');
$posyandu_medium = wp_get_attachment_image_src($img_posyandu, 'medium')[0];
$imunisasi_full = wp_get_attachment_url($img_imunisasi);
wp_update_post(['ID' => $p1,
    'post_excerpt' => 'Dinas Kesehatan menggelar posyandu serentak untuk memantau tumbuh kembang balita di Desa Sukamaju.',
    'post_content' => "<p style=\"text-align: justify; color: #333;\">Sebanyak <strong>120 balita</strong> ditimbang dalam kegiatan posyandu serentak yang digelar Dinas Kesehatan pada Selasa (14/5/2024).</p>\n\n"
        . "[caption id=\"attachment_$img_posyandu\" align=\"aligncenter\" width=\"300\"]<img class=\"size-medium wp-image-$img_posyandu\" src=\"$posyandu_medium\" alt=\"Kader posyandu menimbang balita\" width=\"300\" height=\"200\" /> Penimbangan balita oleh kader posyandu[/caption]\n\n"
        . "<p>Kepala Dinas Kesehatan menyampaikan bahwa pemantauan pertumbuhan adalah kunci pencegahan <em>stunting</em>.</p>\n"
        . "<script>document.write('iklan');</script>\n"
        . "<p><img class=\"alignnone size-full wp-image-$img_imunisasi\" src=\"$imunisasi_full\" alt=\"Petugas memberi imunisasi campak\" /></p>\n"
        . "<p style=\"font-size:12px\">Informasi lebih lanjut hubungi puskesmas terdekat.</p>",
]);
set_post_thumbnail($p1, $img_posyandu);
wp_set_post_tags($p1, ['Posyandu', 'Stunting', 'Kesehatan Ibu dan Anak']);

// 2. Gutenberg blocks: paragraph, heading, image, list, quote, gallery, file (PDF), embed.
$p2 = shell_post(['post_title' => 'Laporan Kinerja Dinas Kesehatan Tahun 2024', 'post_name' => 'laporan-kinerja-2024',
    'post_date' => '2025-01-20 14:00:00', 'post_author' => $admin_id, 'post_category' => [$cat['pengumuman']]]);
$img_rapat = sideload("$src/rapat.jpg", 'rapat-koordinasi.jpg', $p2, 'Rapat koordinasi', 'Rapat koordinasi lintas sektor');
$img_info = sideload("$src/infografis.png", 'infografis-stunting.png', $p2, 'Infografis stunting', 'Infografis angka stunting 2024');
$pdf_laporan = sideload("$src/laporan.pdf", 'laporan-kinerja-2024.pdf', $p2, 'Laporan Kinerja 2024');
$rapat_url = wp_get_attachment_url($img_rapat);
$rapat_large = wp_get_attachment_image_src($img_rapat, 'medium')[0];
$info_url = wp_get_attachment_url($img_info);
$pdf_url = wp_get_attachment_url($pdf_laporan);
$p1_link = get_permalink($p1);
wp_update_post(['ID' => $p2, 'post_content' =>
    "<!-- wp:paragraph -->\n<p>Dinas Kesehatan menerbitkan <a href=\"$pdf_url\">laporan kinerja tahun 2024</a>. Capaian imunisasi dasar lengkap naik menjadi 94 persen.</p>\n<!-- /wp:paragraph -->\n\n"
    . "<!-- wp:heading -->\n<h2 class=\"wp-block-heading\">Capaian Utama</h2>\n<!-- /wp:heading -->\n\n"
    . "<!-- wp:list -->\n<ul><li>Imunisasi dasar lengkap 94%</li><li>Prevalensi stunting turun ke 18,2%</li><li>Seluruh puskesmas terakreditasi</li></ul>\n<!-- /wp:list -->\n\n"
    . "<!-- wp:image {\"id\":$img_rapat,\"sizeSlug\":\"medium\",\"linkDestination\":\"none\"} -->\n<figure class=\"wp-block-image size-medium\"><img src=\"$rapat_large\" alt=\"Rapat koordinasi lintas sektor\" class=\"wp-image-$img_rapat\"/><figcaption class=\"wp-element-caption\">Rapat koordinasi penyusunan laporan</figcaption></figure>\n<!-- /wp:image -->\n\n"
    . "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>Kesehatan masyarakat adalah tanggung jawab bersama.</p>\n<!-- /wp:paragraph --><cite>Kepala Dinas Kesehatan</cite></blockquote>\n<!-- /wp:quote -->\n\n"
    . "<!-- wp:gallery {\"linkTo\":\"none\"} -->\n<figure class=\"wp-block-gallery has-nested-images columns-default is-cropped\"><!-- wp:image {\"id\":$img_rapat,\"sizeSlug\":\"large\"} -->\n<figure class=\"wp-block-image size-large\"><img src=\"$rapat_url\" alt=\"Rapat koordinasi lintas sektor\" class=\"wp-image-$img_rapat\"/></figure>\n<!-- /wp:image -->\n\n<!-- wp:image {\"id\":$img_info,\"sizeSlug\":\"large\"} -->\n<figure class=\"wp-block-image size-large\"><img src=\"$info_url\" alt=\"Infografis angka stunting 2024\" class=\"wp-image-$img_info\"/></figure>\n<!-- /wp:image --></figure>\n<!-- /wp:gallery -->\n\n"
    . "<!-- wp:file {\"id\":$pdf_laporan,\"href\":\"$pdf_url\"} -->\n<div class=\"wp-block-file\"><a id=\"wp-block-file--media-1\" href=\"$pdf_url\">Laporan Kinerja 2024</a><a href=\"$pdf_url\" class=\"wp-block-file__button wp-element-button\" download aria-describedby=\"wp-block-file--media-1\">Unduh</a></div>\n<!-- /wp:file -->\n\n"
    . "<!-- wp:embed {\"url\":\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\",\"type\":\"video\",\"providerNameSlug\":\"youtube\"} -->\n<figure class=\"wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube\"><div class=\"wp-block-embed__wrapper\">\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n</div><figcaption class=\"wp-element-caption\">Video kegiatan imunisasi</figcaption></figure>\n<!-- /wp:embed -->\n\n"
    . "<!-- wp:paragraph -->\n<p>Baca juga: <a href=\"$p1_link\">Posyandu Serentak di Desa Sukamaju</a>.</p>\n<!-- /wp:paragraph -->",
]);
set_post_thumbnail($p2, $img_info);
wp_set_post_tags($p2, ['Laporan Kinerja', 'Imunisasi']);

// 3. Classic editor with shortcodes: [gallery], [embed], [video], [audio]; a link by ?p=ID;
//    a gambling link planted by a hacked plugin; the same photo uploaded a second time.
$p3 = shell_post(['post_title' => 'Pekan Imunisasi Nasional Dimulai', 'post_name' => 'pekan-imunisasi-nasional',
    'post_date' => '2024-05-20 08:00:00', 'post_author' => $siti, 'post_category' => [$cat['kegiatan'], $cat['berita-daerah']]]);
$img_again = sideload("$src/posyandu.jpg", 'foto-posyandu-ulang.jpg', $p3, 'Posyandu (unggah ulang)', 'Kader posyandu menimbang balita');
wp_update_post(['ID' => $p3, 'post_content' =>
    "Pekan Imunisasi Nasional (PIN) dimulai serentak di 22 puskesmas. Orang tua diminta membawa anaknya ke posyandu terdekat.\n\n"
    . "[gallery ids=\"$img_imunisasi,$img_again,$img_rapat\" columns=\"3\" size=\"medium\"]\n\n"
    . "Simak video sosialisasinya:\n\n[embed]https://www.youtube.com/watch?v=aqz-KE-bpKQ[/embed]\n\n"
    . "[video width=\"640\" height=\"360\" mp4=\"https://dinkes.contoh.go.id/wp-content/uploads/2024/05/sosialisasi-pin.mp4\"][/video]\n\n"
    . "[audio src=\"https://dinkes.contoh.go.id/wp-content/uploads/2024/05/jingle-pin.mp3\"]\n\n"
    . "Jadwal lengkap ada pada <a href=\"https://dinkes.contoh.go.id/?p=$p1\">berita posyandu serentak</a>.\n\n"
    . "<a href=\"https://slot-gacor88.example/daftar\">Slot Gacor Hari Ini</a> <a href=\"http://bandar-togel.example/\">situs resmi</a>",
]);
set_post_thumbnail($p3, $img_imunisasi);
wp_set_post_tags($p3, ['Imunisasi', 'PIN 2024']);

// 4. A policy post without tags in a child category, with a PDF linked from the body.
$p4 = shell_post(['post_title' => 'Surat Edaran Menteri Kesehatan tentang Demam Berdarah', 'post_name' => 'surat-edaran-dbd',
    'post_date' => '2023-11-02 10:15:00', 'post_author' => $admin_id, 'post_category' => [$cat['kebijakan-pusat']]]);
$pdf_pengumuman = sideload("$src/pengumuman.pdf", 'surat-edaran-dbd.pdf', $p4, 'Surat Edaran DBD');
$pdf2_url = wp_get_attachment_url($pdf_pengumuman);
wp_update_post(['ID' => $p4, 'post_content' =>
    "<p>Menteri Kesehatan menerbitkan surat edaran kewaspadaan demam berdarah <em>dengue</em> menjelang musim hujan.</p>\n<p>Unduh: <a href=\"$pdf2_url\">Surat Edaran (PDF)</a></p>\n<p>Lakukan 3M Plus: menguras, menutup, dan mendaur ulang.</p>"]);

// 5. Uncategorized (Tak Berkategori), no excerpt, no tags.
shell_post(['post_title' => 'Jam Layanan Selama Ramadan', 'post_name' => 'jam-layanan-ramadan', 'post_date' => '2024-03-11 07:00:00',
    'post_author' => $admin_id, 'post_category' => [1],
    'post_content' => "<p>Selama bulan Ramadan, layanan puskesmas dibuka pukul 08.00 sampai 14.00 WIB.</p>\n<p>Layanan gawat darurat tetap 24 jam.</p>"]);

// 6. A draft and 7. a private post.
shell_post(['post_title' => 'Rencana Vaksinasi HPV', 'post_name' => 'rencana-vaksinasi-hpv', 'post_status' => 'draft',
    'post_date' => '2025-02-01 09:00:00', 'post_author' => $siti, 'post_category' => [$cat['kegiatan']],
    'post_content' => "<!-- wp:paragraph -->\n<p>Draf: vaksinasi HPV untuk siswi kelas 5 dan 6 SD.</p>\n<!-- /wp:paragraph -->"]);
shell_post(['post_title' => 'Catatan Internal Rapat Anggaran', 'post_name' => 'catatan-rapat-anggaran', 'post_status' => 'private',
    'post_date' => '2024-09-09 13:00:00', 'post_author' => $admin_id, 'post_category' => [$cat['pengumuman']],
    'post_content' => "<p>Hanya untuk internal: pembahasan anggaran 2025.</p>"]);

// Pages in a tree: Profil > (Visi dan Misi, Struktur Organisasi > Bidang Pelayanan); Layanan; a draft page.
function page($title, $slug, $parent, $content, $status = 'publish', $order = 0) {
    $id = wp_insert_post(['post_type' => 'page', 'post_title' => $title, 'post_name' => $slug, 'post_parent' => $parent,
        'post_content' => $content, 'post_status' => $status, 'menu_order' => $order, 'post_date' => '2023-01-10 08:00:00'], true);
    if (is_wp_error($id)) { fwrite(STDERR, $id->get_error_message() . "\n"); exit(1); }
    return $id;
}
$profil = page('Profil', 'profil', 0, "<p>Dinas Kesehatan Kabupaten Contoh adalah unsur pelaksana urusan pemerintahan bidang kesehatan.</p>", 'publish', 1);
page('Visi dan Misi', 'visi-misi', $profil, "<!-- wp:heading {\"level\":3} -->\n<h3 class=\"wp-block-heading\">Visi</h3>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>Masyarakat sehat, mandiri, dan berkeadilan.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:list {\"ordered\":true} -->\n<ol><li>Meningkatkan mutu layanan</li><li>Memberdayakan masyarakat</li></ol>\n<!-- /wp:list -->", 'publish', 1);
$struktur = page('Struktur Organisasi', 'struktur-organisasi', $profil, "<p>Bagan struktur organisasi:</p>\n<p><a href=\"$info_url\"><img class=\"aligncenter size-full wp-image-$img_info\" src=\"$info_url\" alt=\"Bagan struktur organisasi\" width=\"360\" height=\"360\" /></a></p>", 'publish', 2);
page('Bidang Pelayanan Kesehatan', 'bidang-pelayanan', $struktur, "<p>Bidang Pelayanan Kesehatan membina puskesmas dan rumah sakit.</p>\n<table><tr><td>Seksi Rujukan</td></tr></table>");
page('Layanan', 'layanan', 0, "<p>Informasi <a href=\"https://dinkes.contoh.go.id/?page_id=$profil\">profil</a> dan layanan kesehatan.</p>\n<iframe src=\"https://maps.example/embed\" width=\"600\" height=\"450\"></iframe>", 'publish', 2);
page('Halaman Rancangan', 'halaman-rancangan', 0, "<p>Belum selesai.</p>", 'draft');

// A menu (exported as nav_menu_item posts) and a comment, as real sites have.
$menu = wp_create_nav_menu('Menu Utama');
wp_update_nav_menu_item($menu, 0, ['menu-item-title' => 'Profil', 'menu-item-object' => 'page', 'menu-item-object-id' => $profil, 'menu-item-type' => 'post_type', 'menu-item-status' => 'publish']);
wp_insert_comment(['comment_post_ID' => $p1, 'comment_author' => 'Warga', 'comment_content' => 'Terima kasih infonya.', 'comment_approved' => 1, 'comment_date' => '2024-05-15 10:00:00']);

// The sample post and page WordPress installs are removed, as the sites' editors did.
wp_delete_post(1, true);
wp_delete_post(2, true);
wp_delete_post(3, true);

ob_start();
export_wp(['content' => 'all']);
$xml = ob_get_clean();
file_put_contents($out, $xml);
fwrite(STDOUT, "exported " . strlen($xml) . " bytes\n");
