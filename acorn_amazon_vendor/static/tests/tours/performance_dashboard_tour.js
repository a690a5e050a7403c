import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The Python test builds March 2026 for "Tour Performance Account": 10 POs, 98 of 100 units
// accepted, 2 shipped after their window (2PERF002, 2PERF003), 97 of 100 units received and a
// 75.00 shortage deduction still open. The period is typed, so nothing depends on today.
const ACCOUNT = "Tour Performance Account";

/** The account and the period, typed the way a user does (en_US dates). */
function choosePeriod() {
    return [
        {
            // The demo data has an account of its own, which may be the default one.
            content: "Choose the account",
            trigger: ".o_form_view div[name='account_id'] input",
            run: `edit ${ACCOUNT}`,
        },
        {
            content: "Pick it",
            trigger: `.o-autocomplete--dropdown-item:contains('${ACCOUNT}')`,
            run: "click",
        },
        {
            content: "The account is chosen",
            trigger: `.o_form_view div[name='account_id'] input:value(${ACCOUNT})`,
        },
        {
            content: "The period starts on March 1st",
            trigger: ".o_form_view div[name='date_from'] input",
            run: "edit 03/01/2026 && press Enter",
        },
        {
            content: "The start is taken",
            trigger: ".o_form_view div[name='date_from'] input:value(03/01/2026)",
        },
        {
            content: "and ends on March 31st",
            trigger: ".o_form_view div[name='date_to'] input",
            run: "edit 03/31/2026 && press Enter",
        },
        {
            content: "The end is taken",
            trigger: ".o_form_view div[name='date_to'] input:value(03/31/2026)",
        },
        {
            content: "Ten purchase orders in March",
            trigger: "button[name='action_open_orders'] .o_stat_value:contains('10')",
        },
    ];
}

registry.category("web_tour.tours").add("acorn_amazon_vendor_performance_dashboard", {
    steps: () => [
        ...stepUtils.goToAppSteps("acorn_amazon_vendor.amazon_vendor_menu", "Open the Amazon Vendor app"),
        {
            content: "Open the Analytics menu",
            trigger: "button[data-menu-xmlid='acorn_amazon_vendor.amazon_vendor_analytics_menu']",
            run: "click",
        },
        {
            content: "Vendor Performance",
            trigger: ".dropdown-item[data-menu-xmlid='acorn_amazon_vendor.amazon_vendor_performance_menu']",
            run: "click",
        },
        ...choosePeriod(),
        {
            content: "98 of 100 units accepted",
            trigger: ".o_form_view div[name='fill_rate']:contains('98%')",
        },
        {
            content: "8 of 10 shipments left in their window",
            trigger: ".o_form_view div[name='on_time_rate']:contains('80%')",
        },
        {
            content: "Amazon received 97 of the 100 units announced",
            trigger: ".o_form_view div[name='asn_accuracy']:contains('97%')",
        },
        {
            content: "One shortage deduction is still open",
            trigger: ".o_form_view div[name='open_deduction_amount']:contains('75.00')",
        },
        {
            content: "Two shipped late: open them",
            trigger: "button[name='action_open_late']:has(.o_stat_value:contains('2'))",
            run: "click",
        },
        {
            content: "The late orders' list",
            trigger: ".o_breadcrumb .active:contains('Shipped Late')",
        },
        {
            content: "2PERF002 was shipped late (Amazon's PO number in the Amazon list)",
            trigger: ".o_list_view .o_data_row td[name='amazon_vendor_po_number']:contains('2PERF002')",
        },
        {
            content: "2PERF003 was shipped late",
            trigger: ".o_list_view .o_data_row td[name='amazon_vendor_po_number']:contains('2PERF003')",
        },
        {
            content: "and no other",
            trigger: ".o_list_view:not(:has(.o_data_row:eq(2))) .o_data_row:eq(1)",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item:not(.active) a",
            run: "click",
        },
        {
            content: "The dashboard still shows March's figures",
            trigger: ".o_form_view div[name='date_from'] input:value(03/01/2026)",
        },
        {
            content: "8 of 10 shipped on time",
            trigger: ".o_form_view div[name='on_time_rate']:contains('80%')",
        },
    ],
});

registry.category("web_tour.tours").add("acorn_amazon_vendor_performance_graphs", {
    steps: () => [
        ...choosePeriod(),
        {
            content: "Open the graphs",
            trigger: "button[name='action_open_graph']:contains('Graphs')",
            run: "click",
        },
        {
            content: "Performance by week",
            trigger: ".o_breadcrumb .active:contains('Performance by Week')",
        },
        {
            content: "The weeks of March are drawn",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
        },
        {
            content: "The pivot holds the same POs",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "10 POs in March, 8 shipped in their window (the last measure)",
            trigger: ".o_pivot tbody tr:first:contains('Total'):has(td:first:contains('10')):has(td:last:contains('8'))",
        },
    ],
});
