import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("acorn_amazon_vendor_test_connection", {
    steps: () => [
        {
            content: "Open the vendor account",
            trigger: ".o_data_cell:contains('Tour Vendor Account')",
            run: "click",
        },
        {
            content: "Press Test Connection",
            trigger: "button[name='action_test_connection']",
            run: "click",
        },
        {
            content: "Amazon (the simulator) accepted the credentials",
            trigger: ".o_notification:contains('Amazon accepted the credentials')",
        },
        {
            content: "The account shows it is connected",
            trigger: ".o_amazon_vendor_connection_ok:contains('Amazon accepted the credentials')",
        },
    ],
});
