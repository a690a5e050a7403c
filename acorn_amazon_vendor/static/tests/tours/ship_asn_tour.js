import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("acorn_amazon_vendor_ship_asn", {
    steps: () => [
        {
            content: "Pack the whole delivery in one carton",
            trigger: "button[name='action_put_in_pack']:visible",
            run: "click",
        },
        {
            content: "The delivery now has a package",
            trigger: "button[name='action_see_packages']:visible",
        },
        {
            content: "Put it on a pallet",
            trigger: "button[name='action_amazon_vendor_put_on_pallet']:visible",
            run: "click",
        },
        {
            content: "Confirm the pallet",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The Amazon tab of the delivery",
            trigger: "a[name='amazon_vendor']",
            run: "click",
        },
        {
            // The delivery reloads once the pallet wizard closed: what is typed before is lost.
            content: "The delivery shows its pallet",
            trigger: "div[name='amazon_vendor_pallet_count']:contains('1')",
        },
        {
            content: "The carrier's SCAC",
            trigger: "div[name='amazon_vendor_carrier_scac'] input",
            run: "edit ABCD",
        },
        {
            content: "The carrier's PRO number",
            trigger: "div[name='amazon_vendor_pro_number'] input",
            run: "edit PRO42",
        },
        {
            content: "Validate the delivery",
            trigger: "button[name='button_validate']:visible",
            run: "click",
        },
        {
            content: "The ASN waits a few minutes before it goes",
            trigger: ".alert-info:contains('The ASN goes to Amazon at')",
        },
        {
            content: "Print the carton and pallet labels",
            trigger: "button[name='action_amazon_vendor_print_labels']:visible",
            run: "click",
        },
        {
            content: "Send the ASN now",
            trigger: "button[name='action_amazon_vendor_submit_asn']:visible",
            run: "click",
        },
        {
            content: "The preview shows what Amazon will receive",
            trigger: ".modal .o_amazon_vendor_asn_items tbody tr",
        },
        {
            content: "Send it",
            trigger: ".modal button[name='action_send']",
            run: "click",
        },
        {
            content: "Amazon (the simulator) took it",
            trigger: ".o_notification:contains('ASN sent to Amazon')",
        },
    ],
});

registry.category("web_tour.tours").add("acorn_amazon_vendor_asn_accepted", {
    steps: () => [
        {
            content: "The Amazon tab of the delivery",
            trigger: "a[name='amazon_vendor']",
            run: "click",
        },
        {
            content: "Amazon accepted the ASN",
            trigger: "div[name='amazon_vendor_asn_state']:contains('Accepted by Amazon')",
        },
    ],
});
