"""GS1 logistic labels of Amazon cartons and pallets: SSCC check digits, the PDF read back by a
barcode scanner (zbar) and measured, and the ZPL."""

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from PIL import Image

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from odoo.tools.pdf import PdfFileReader

from odoo.addons.acorn_amazon_vendor.report import gs1_label

from .shipping_common import GS1_PREFIX, AmazonVendorShippingCommon

PDF_REPORT = "acorn_amazon_vendor.action_report_amazon_vendor_package_label"
ZPL_REPORT = "acorn_amazon_vendor.action_report_amazon_vendor_package_label_zpl"
SCAN_DPI = 300
# Where the SSCC zone of the PDF label starts, from the top of the page.
SSCC_ZONE_TOP_MM = 96


def _mm(pixels):
    return pixels * 25.4 / SCAN_DPI


@tagged("post_install", "-at_install")
class TestLabels(AmazonVendorShippingCommon, HttpCase):
    """An HttpCase: wkhtmltopdf loads the report styles from this Odoo while the test waits for it,
    which needs the test mode of the registry (the server is locked during the tests otherwise)."""

    # ------------------------------------------------------------------ helpers

    # wkhtmltopdf built without Odoo's patched Qt warns about the switches it ignores.
    @mute_logger("odoo.addons.base.models.ir_actions_report")
    def render_pdf(self, packages):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(PDF_REPORT, packages.ids)
        )
        self.assertEqual(report_type, "pdf")
        return pdf

    def render_zpl(self, packages):
        zpl, report_type = self.env["ir.actions.report"]._render_qweb_text(ZPL_REPORT, packages.ids)
        self.assertEqual(report_type, "text")
        return zpl.decode() if isinstance(zpl, bytes) else str(zpl)

    def render_text(self, packages):
        """The words of the PDF labels (their HTML without tags), as a reader sees them."""
        html, _report_type = self.env["ir.actions.report"]._render_qweb_html(PDF_REPORT, packages.ids)
        html = html.decode() if isinstance(html, bytes) else str(html)
        html = re.sub(r"<(style|head)\b.*?</\1>", " ", html, flags=re.DOTALL)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))

    def require_scanner(self):
        """pdftoppm and zbarimg turn the PDF into what a scanner reads; CI must have them."""
        missing = [tool for tool in ("pdftoppm", "zbarimg") if not shutil.which(tool)]
        if missing:
            message = (
                f"{' and '.join(missing)} not found (Debian: poppler-utils, zbar-tools): the label barcodes cannot "
                "be read back"
            )
            if os.environ.get("CI"):
                self.fail(message)
            self.skipTest(message)

    def scan(self, pdf):
        """Every page as a 300 dpi image, read by zbar.

        :return: list of (the Code 128 values found on the page, the page's image path)
        """
        self.require_scanner()
        folder = Path(tempfile.mkdtemp(prefix="acorn_labels_"))
        self.addCleanup(shutil.rmtree, folder, True)
        (folder / "labels.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(SCAN_DPI), "-png", str(folder / "labels.pdf"), str(folder / "page")],
            check=True,
            timeout=120,
        )
        pages = sorted(folder.glob("page-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
        scanned = []
        for page in pages:
            result = subprocess.run(
                ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Scode128.enable", str(page)],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            scanned.append(([_gs1(line) for line in result.stdout.splitlines() if line.strip()], page))
        return scanned

    def sscc_barcode_bars(self, page):
        """Where the bars of the SSCC zone of a scanned page stand: (first and last black column in
        pixels, bar height in mm).

        Every pixel row across the bars is the same: the commonest row holding black is the bars.
        """
        image = Image.open(page).convert("L")
        top = round(SSCC_ZONE_TOP_MM / 25.4 * SCAN_DPI)
        zone = image.crop((0, top, image.width, image.height)).point(lambda value: 1 if value < 128 else 0)
        data = zone.tobytes()
        rows = [data[y * zone.width : (y + 1) * zone.width] for y in range(zone.height)]
        pattern, height = Counter(row for row in rows if any(row)).most_common(1)[0]
        black = [x for x, value in enumerate(pattern) if value]
        return black[0], black[-1], _mm(height)

    def packages_and_codes(self):
        """A validated-to-be delivery of 5 cartons on a pallet, and each package's GS1-128 data."""
        picking, cartons = self.packed_delivery()
        pallet = cartons.amazon_vendor_pallet_id
        codes = {package: "00" + package.amazon_vendor_sscc for package in cartons | pallet}
        return picking, cartons, pallet, codes

    # ------------------------------------------------------------------ SSCC

    def test_sscc_check_digit_is_gs1s(self):
        """GS1's own example: extension 1, prefix 0614141, serial 234567890 -> (00)106141412345678908."""
        self.company.write({"amazon_vendor_gs1_prefix": GS1_PREFIX, "amazon_vendor_sscc_extension": "1"})
        self.company._amazon_vendor_sscc_sequence().number_next = 234567890

        [sscc] = self.company._amazon_vendor_next_ssccs()

        self.assertEqual(sscc, "106141412345678908")
        self.assertEqual(gs1_label.sscc_check_digit("10614141234567890"), "8")
        self.assertTrue(gs1_label.is_valid_sscc(sscc))
        self.assertFalse(gs1_label.is_valid_sscc("106141412345678907"))
        self.assertEqual(gs1_label.sscc_human_readable(sscc, GS1_PREFIX), "(00) 1 0614141 234567890 8")

    def test_gs1_128_starts_with_fnc1_in_code_set_c(self):
        bars = gs1_label.code128_bars(gs1_label.FNC1 + "00106141412345678908")
        widths = "".join(str(width) for _is_bar, width in bars)
        # Start C (211232), FNC1 (411131), then 10 digit pairs, the check character and Stop (2331112).
        self.assertTrue(widths.startswith("211232411131"), widths)
        self.assertTrue(widths.endswith("2331112"), widths)
        self.assertEqual(len(bars), 6 * 13 + 7)

    # ------------------------------------------------------------------ PDF

    def test_pdf_one_label_per_carton_two_per_pallet_that_a_scanner_reads(self):
        picking, cartons, pallet, codes = self.packages_and_codes()
        packages = cartons | pallet

        pdf = self.render_pdf(packages)

        self.assertEqual(PdfFileReader(io.BytesIO(pdf)).getNumPages(), len(cartons) + 2)
        scanned = self.scan(pdf)
        expected = [codes[carton] for carton in cartons] + [codes[pallet]] * 2
        shipment_id = picking.amazon_vendor_shipment_identifier
        self.assertTrue(shipment_id, "printing the labels fixed the ASN shipment ID they show")
        for (values, _page), code in zip(scanned, expected, strict=True):
            self.assertIn(code, values, "the GS1-128 decodes to exactly (00) and the SSCC")
            self.assertIn(shipment_id, values, "the ASN shipment ID is a barcode too")
            self.assertEqual(len(values), 2, values)

    def test_pdf_sscc_barcode_has_gs1_size(self):
        _picking, cartons, _pallet, codes = self.packages_and_codes()
        carton = cartons[:1]

        [(values, page)] = self.scan(self.render_pdf(carton))

        self.assertIn(codes[carton], values)
        first, last, height = self.sscc_barcode_bars(page)
        modules = sum(width for _is_bar, width in gs1_label.code128_bars(gs1_label.FNC1 + codes[carton]))
        x_dimension = _mm(last - first + 1) / modules
        self.assertAlmostEqual(x_dimension, 0.5, delta=0.02, msg="X-dimension about 0.5 mm")
        self.assertGreaterEqual(height, 32.0, "bars at least 32 mm high")
        left, right = _mm(first), 101.6 - _mm(last)
        self.assertGreaterEqual(min(left, right), 10 * x_dimension, "quiet zones of 10 modules inside the label")

    def test_pdf_amazon_container_code_prints_as_code_128(self):
        _picking, cartons, _pallet, _codes = self.packages_and_codes()
        carton = cartons[:1]
        carton.write({"amazon_vendor_sscc": False, "amazon_vendor_amzncc": "AMZNCC0000000042"})

        [(values, _page)] = self.scan(self.render_pdf(carton))

        self.assertIn("AMZNCC0000000042", values)
        text = self.render_text(carton)
        self.assertIn("Amazon container code", text)
        self.assertNotIn("SSCC", text)

    # ------------------------------------------------------------------ what the label says

    def test_label_zones(self):
        picking, cartons, pallet, _codes = self.packages_and_codes()
        order = picking._amazon_vendor_orders()
        sequence = cartons.sorted(lambda carton: (carton.name, carton.id))
        third = sequence[2]
        picking.amazon_vendor_bol_number = "ACME1BOL0001"

        text = self.render_text(third)

        self.assertIn("Ship from", text)
        self.assertIn(self.warehouse.partner_id.name, text)
        self.assertIn("Ship to", text)
        self.assertIn(order.amazon_vendor_fc_code, text)
        self.assertIn(order.amazon_vendor_po_number, text)
        self.assertIn("Carton 3 of 5", text)
        self.assertIn(picking.amazon_vendor_shipment_identifier, text)
        self.assertIn("BOL ACME1BOL0001", text)
        self.assertIn(gs1_label.sscc_human_readable(third.amazon_vendor_sscc, GS1_PREFIX), text)

        text = self.render_text(pallet)
        self.assertEqual(text.count("Pallet 1 of 1"), 2, "two labels per pallet")
        self.assertIn("Cartons: 5", text)
        self.assertIn(order.amazon_vendor_po_number, text)

    def test_labels_are_in_english_whoever_prints_them(self):
        """Amazon's receiving staff read the label, not the Chinese-speaking vendor who prints it."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["acorn_amazon_vendor"], ["zh_CN"], overwrite=True)
        _picking, cartons, _pallet, _codes = self.packages_and_codes()

        html, _report_type = (
            self.env["ir.actions.report"].with_context(lang="zh_CN")._render_qweb_html(PDF_REPORT, cartons[:1].ids)
        )

        self.assertIn("Ship from", str(html))
        menu = self.env.ref("acorn_amazon_vendor.amazon_vendor_menu").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "亚马逊供应商", "the user's own screens are in Chinese")

    def test_labels_printed_before_validation_match_the_asn(self):
        picking, cartons, _pallet, _codes = self.packages_and_codes()
        self.render_zpl(cartons)
        printed = picking.amazon_vendor_shipment_identifier

        self.validate(picking)

        self.assertEqual(picking.amazon_vendor_shipment_identifier, printed)

    def test_printing_gives_the_whole_delivery_its_ssccs(self):
        """Cartons packed before the GS1 prefix was set get their SSCCs when a label is printed,
        all together, so the carton numbers stay those of the ASN."""
        _picking, cartons = self.packed_delivery(pallets=False)
        for index, carton in enumerate(cartons):
            carton.write({"amazon_vendor_sscc": False, "name": f"PACK{index}"})
        third = cartons[2]

        zpl = self.render_zpl(third)

        self.assertTrue(all(cartons.mapped("amazon_vendor_sscc")))
        self.assertEqual(cartons.mapped("name"), cartons.mapped("amazon_vendor_sscc"))
        self.assertIn(">;>800" + third.amazon_vendor_sscc, zpl)
        self.assertIn(f"^FD{cartons.sorted('name').ids.index(third.id) + 1} of 5^FS", zpl)

    def test_package_without_sscc_or_amazon_code_is_refused(self):
        package = self.env["stock.quant.package"].create({"name": "LOOSE1"})
        with self.assertRaisesRegex(UserError, "LOOSE1"):
            self.render_zpl(package)
        package.amazon_vendor_sscc = "106141412345678907"
        with self.assertRaisesRegex(UserError, "not 18 digits with a valid check digit"):
            self.render_zpl(package)

    # ------------------------------------------------------------------ ZPL

    def test_zpl_one_label_per_carton_two_per_pallet(self):
        _picking, cartons, pallet, _codes = self.packages_and_codes()
        self.warehouse.partner_id.street = "1 Mill & Kiln ^Lane"

        zpl = self.render_zpl(cartons | pallet)

        labels = re.findall(r"\^XA(.*?)\^XZ", zpl, re.DOTALL)
        self.assertEqual(len(labels), len(cartons) + 2)
        self.assertEqual(zpl.count("^XA"), len(labels))
        for label, package in zip(labels, list(cartons) + [pallet, pallet], strict=True):
            sscc = package.amazon_vendor_sscc
            self.assertRegex(label, r"\^BCN,\d+,N,N,N\^FD>;>800" + sscc + r"\^FS", "start C, FNC1, AI 00, SSCC")
            self.assertIn(gs1_label.sscc_human_readable(sscc, GS1_PREFIX), label)
            height = int(re.search(r"\^BCN,(\d+),N,N,N\^FD>;", label).group(1))
            self.assertGreaterEqual(height / 8, 32, "bars at least 32 mm high at 8 dots per mm")
            self.assertRegex(label, r"\^BY4\^BCN", "0.5 mm modules")
        self.assertIn("^FD1 Mill & Kiln  Lane", zpl, "no HTML escaping, no stray ZPL command")

    def test_zpl_amazon_container_code(self):
        _picking, cartons, _pallet, _codes = self.packages_and_codes()
        carton = cartons[:1]
        carton.write({"amazon_vendor_sscc": False, "amazon_vendor_amzncc": "AMZNCC0000000042"})

        zpl = self.render_zpl(carton)

        self.assertRegex(zpl, r"\^BCN,\d+,N,N,N,A\^FDAMZNCC0000000042\^FS")
        self.assertNotIn(">;>8", zpl)


def _gs1(value):
    """zbar may announce a GS1-128 with its AIM identifier ]C1, or its FNC1 as a group separator."""
    return value.removeprefix("]C1").lstrip("\x1d")
