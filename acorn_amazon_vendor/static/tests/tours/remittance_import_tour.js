import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";
import { inputFiles } from "@web/../tests/utils";

// The Python test builds Vendor Central's export and leaves it as this attachment: the tour
// uploads it the way Odoo's own tours fill a file input (a File through a DataTransfer).
const REMITTANCE_FILE = "Payments_remittance_tour.csv";

async function remittanceFile() {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", REMITTANCE_FILE]], ["datas"]],
        kwargs: {},
    });
    const bytes = Uint8Array.from(atob(attachment.datas), (char) => char.charCodeAt(0));
    return new File([bytes], REMITTANCE_FILE, { type: "text/csv" });
}

registry.category("web_tour.tours").add("acorn_amazon_vendor_import_remittance", {
    steps: () => [
        ...stepUtils.goToAppSteps("acorn_amazon_vendor.amazon_vendor_menu", "Open the Amazon Vendor app"),
        {
            content: "Open the Cash menu",
            trigger: "button[data-menu-xmlid='acorn_amazon_vendor.amazon_vendor_cash_menu']",
            run: "click",
        },
        {
            content: "Import Remittance",
            trigger: ".dropdown-item[data-menu-xmlid='acorn_amazon_vendor.amazon_vendor_remittance_import_menu']",
            run: "click",
        },
        {
            content: "Upload Vendor Central's remittance file",
            trigger: ".modal div[name='data_file'] .o_select_file_button",
            async run() {
                await inputFiles(".modal div[name='data_file'] input.o_input_file", [await remittanceFile()]);
            },
        },
        {
            content: "The file is in the wizard",
            trigger: `.modal div[name='data_file'] input.o_input:value(${REMITTANCE_FILE})`,
        },
        {
            // The demo data has a second account: then the wizard cannot guess which one.
            content: "Choose the Amazon account the file comes from",
            trigger: ".modal div[name='account_id'] input",
            run: "edit ACME US",
        },
        {
            content: "Pick it",
            trigger: ".o-autocomplete--dropdown-item:contains('ACME US')",
            run: "click",
        },
        {
            content: "Import",
            trigger: ".modal button[name='action_import']",
            run: "click",
        },
        {
            content: "The payment was imported",
            trigger: ".o_notification:contains('1 payment(s) imported')",
        },
        {
            content: "The list of Amazon payments shows it posted",
            trigger: ".o_list_view .o_data_row:contains('30901') td[name='state']:contains('Posted')",
        },
        {
            content: "Open the payment",
            trigger: ".o_list_view .o_data_row:contains('30901') td[name='payment_number']",
            run: "click",
        },
        {
            content: "The payment's number",
            trigger: ".o_form_view div[name='payment_number']:contains('30901')",
        },
        {
            content: "The first line pays an invoice",
            trigger: "div[name='line_ids'] .o_data_row:eq(0) td[name='kind']:contains('Invoice')",
        },
        {
            content: "The second line pays the other invoice",
            trigger: "div[name='line_ids'] .o_data_row:eq(1) td[name='kind']:contains('Invoice')",
        },
        {
            content: "The third line is Amazon's shortage deduction",
            trigger: "div[name='line_ids'] .o_data_row:eq(2) td[name='kind']:contains('Deduction')",
        },
        {
            content: "Open the journal entry",
            trigger: "button[name='action_open_move']:contains('Journal Entry')",
            run: "click",
        },
        {
            content: "The journal entry is posted",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Posted')",
        },
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Customers menu",
            trigger: "button[data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Invoices",
            trigger: ".dropdown-item[data-menu-xmlid='account.menu_action_move_out_invoice_type']",
            run: "click",
        },
        {
            content: "Open the first invoice Amazon paid",
            trigger: ".o_list_view .o_data_row:contains('Amazon.com Services LLC'):contains('1,000.00') td[name='name']",
            run: "click",
        },
        {
            content: "The invoice is paid",
            trigger: ".o_form_view .ribbon span:contains('Paid')",
        },
    ],
});
