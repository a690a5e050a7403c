import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("acorn_amazon_vendor_send_invoice", {
    steps: () => [
        {
            content: "The invoice is ready to go to Amazon",
            trigger: "div[name='amazon_vendor_invoice_state']:contains('To Send')",
        },
        {
            content: "Send the invoice, as every invoice is sent",
            trigger: "button[name='action_invoice_sent']:visible",
            run: "click",
        },
        {
            content: "It goes by Amazon Vendor Central, not by e-mail",
            trigger: ".modal div[name='sending_method_checkboxes'] input:checked ~ label:contains('by Amazon Vendor Central')",
        },
        {
            content: "Send",
            trigger: ".modal button[name='action_send_and_print']",
            run: "click",
        },
        {
            content: "Amazon (the simulator) is checking it",
            trigger: "div[name='amazon_vendor_invoice_state']:contains('Processing')",
        },
    ],
});

registry.category("web_tour.tours").add("acorn_amazon_vendor_invoice_accepted", {
    steps: () => [
        {
            content: "Amazon accepted the invoice",
            trigger: "div[name='amazon_vendor_invoice_state']:contains('Accepted')",
        },
        {
            content: "Its verdict is in the chatter",
            trigger: ".o-mail-Message:contains('Amazon accepted the invoice')",
        },
    ],
});
