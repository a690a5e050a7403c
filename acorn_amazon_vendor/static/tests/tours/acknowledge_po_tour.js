import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("acorn_amazon_vendor_acknowledge_po", {
    steps: () => [
        {
            content: "A PO past Amazon's 24-hour deadline stands out",
            trigger: ".o_kanban_record:contains('2TOUR002') .o_amazon_vendor_overdue_badge:contains('Overdue')",
        },
        {
            content: "Its deadline is shown in red",
            trigger: ".o_kanban_record:contains('2TOUR002') .o_amazon_vendor_overdue:contains('Acknowledge before')",
        },
        {
            content: "A fresh PO does not",
            trigger: ".o_kanban_record:contains('2TOUR001'):not(:has(.o_amazon_vendor_overdue_badge))",
        },
        {
            content: "The new PO waits in the To Acknowledge column",
            trigger: ".o_kanban_group:has(.o_column_title:contains('To Acknowledge')) .o_kanban_record:contains('2TOUR001')",
            run: "click",
        },
        {
            content: "The Amazon tab shows the purchase order",
            trigger: "a[name='amazon_vendor']",
            run: "click",
        },
        {
            content: "Amazon's PO number is on the order",
            trigger: "div[name='amazon_vendor_po_number']:contains('2TOUR001')",
        },
        {
            content: "Open the acknowledgement",
            trigger: "button[name='action_amazon_vendor_acknowledge']:visible",
            run: "click",
        },
        {
            content: "The preview shows what Amazon will receive: 3 cases accepted",
            trigger: ".modal .o_amazon_vendor_ack_lines tbody tr:contains('Tour Coffee'):contains('3 Cases')",
        },
        {
            content: "Send it",
            trigger: ".modal button[name='action_send']",
            run: "click",
        },
        {
            content: "Amazon (the simulator) took it",
            trigger: ".o_notification:contains('Acknowledgement sent to Amazon')",
        },
    ],
});
