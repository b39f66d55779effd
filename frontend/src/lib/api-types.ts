/**
 * Generated from the backend's OpenAPI document (GET /api/openapi.json) by scripts/api-types.mjs.
 * Do not edit: change the backend's models, then run `cd frontend && npm run api-types`.
 */

export interface paths {
    "/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Publishable key, payment mode and currency */
        get: operations["get_config"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/books": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every book on sale */
        get: operations["get_api_books"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/books/{book_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One book on sale */
        get: operations["get_api_books_book_id"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/quote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Price the cart and the details given so far: read-only
         * @description Writes nothing, holds nothing and makes no PaymentIntent: call it as often as the shopper changes the cart or the details. Copies are checked without being held (the cart's own order's hold counts as the shopper's). Any other field (amount, price, currency...) is ignored. Rate-limited per client as Pay is, counted apart.
         */
        post: operations["post_api_quote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/create-payment-intent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pay: hold the copies in a complete order and confirm its PaymentIntent
         * @description Prices the cart again from the catalogue, checks and holds its copies, and writes the order in one transaction; then creates (or, if the total, address or email changed, updates) the cart's one PaymentIntent and, given a `confirmationToken`, confirms it on the server. The same `cartId` always maps to the same order and PaymentIntent. Without a confirmationToken the PaymentIntent is answered unconfirmed (`requires_payment_method`), for the caller to confirm. Any other field (amount, price, currency, status...) is ignored.
         */
        post: operations["post_create_payment_intent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orders/{payment_intent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The order paid by a PaymentIntent, for whoever holds its client secret */
        get: operations["get_api_orders_payment_intent_id"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/order-lookup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find an order by its number and the email it was placed with
         * @description An unknown number and a wrong email get the same 404, in the same time. Rate-limited per client as checkout is.
         */
        post: operations["post_api_order_lookup"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Receive a signed event from Stripe (or the Stripe CLI)
         * @description Verified against the raw body with the webhook signing secret, then applied to its order exactly once.
         */
        post: operations["post_webhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This document */
        get: operations["get_api_openapi_json"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe */
        get: operations["get_healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness probe: database and payment settings */
        get: operations["get_readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/enrolment/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Set up the authenticator app: its secret, as a QR code and as text
         * @description Public (no session yet). The token is the enrolment link's fragment (`/admin/enrol#token=...`, printed by `flask owners add` or `owners reset`). The secret is made at the link's first use and is the same at every reload.
         */
        post: operations["post_api_admin_enrolment_start"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/enrolment/finish": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Choose the password and confirm the app with a code: the recovery codes, once
         * @description Public (no session yet). Uses up the link. Does not sign in: sign in next, with the app's next code (each code works once).
         */
        post: operations["post_api_admin_enrolment_finish"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The current session and its CSRF token (after a reload) */
        get: operations["get_api_admin_session"];
        put?: never;
        /**
         * Sign in with email, password and a code from the app (or a recovery code)
         * @description Public. Sets a new `__Host-owner_session` cookie (a new id every time; any session the browser had ends). Keep `csrfToken` for the changes to come.
         */
        post: operations["post_api_admin_session"];
        /** Sign out: end this session */
        delete: operations["delete_api_admin_session"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/sessions/revoke-all": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign out everywhere: end every session of this owner */
        post: operations["post_api_admin_sessions_revoke_all"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/activity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The activity log, newest first, a page at a time */
        get: operations["get_api_admin_activity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The orders, newest first, a page at a time: searched and filtered */
        get: operations["get_api_admin_orders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/orders/{number}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One order: everything `flask orders show` prints, its shipment and its timeline */
        get: operations["get_api_admin_orders_number"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/orders/{number}/shipment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Mark a paid order shipped: the customer is emailed the tracking link, once
         * @description Answers the order as it is now. The "Your books are on their way" email goes through the outbox (the worker sends it). "Find your order" shows the shipment from now on.
         */
        post: operations["post_api_admin_orders_number_shipment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/orders/{number}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add an internal note to the order's timeline
         * @description Signed with the owner's email; never shown to the customer.
         */
        post: operations["post_api_admin_orders_number_notes"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/orders/{number}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Settle an order under review: accept its payment, or refund it in full
         * @description `paid` takes its copies off the shelf, marks it paid and queues its confirmation email. `refund` asks for a full refund with its copies back on the shelf: the order is `refunding` until the gateway's charge.refunded event.
         */
        post: operations["post_api_admin_orders_number_resolve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/stock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every title's copies: on the shelf, held by checkouts, available; and its threshold
         * @description Every title in shelf order, those no longer on sale too (`onSale`).
         */
        get: operations["get_api_admin_stock"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/stock/{book_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set a title's copies on the shelf, with the reason
         * @description What the owner counted replaces the count (under the shelf's lock); the reason goes into the stock history and the activity log. If the copies available fall to the title's low-stock threshold, the owners are emailed, once per fall.
         */
        put: operations["put_api_admin_stock_book_id"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/stock/{book_id}/threshold": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set or remove a title's low-stock threshold
         * @description When the copies available are at or below it, the owners are emailed once; again only after they have risen above it and fallen back. A threshold at or above what is available now emails at once.
         */
        put: operations["put_api_admin_stock_book_id_threshold"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/orders/{number}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The order's partial refunds and what is left to refund
         * @description What the refund dialog starts from: each line's copies, the shipping and the money left to refund (all zero unless the order is paid or partially refunded).
         */
        get: operations["get_api_admin_orders_number_refunds"];
        put?: never;
        /**
         * Refund part of an order: lines, the shipping, or an amount
         * @description Answers 201 with the refund `requested`: the worker sends it under its own idempotency key (`order-<token>-refund-part-<id>`), and the gateway's charge.refunded makes it `succeeded` and the order `partially_refunded` (`refunded` once nothing is left); the customer is emailed its amount then if `notify`. The amount: each line's unit price times its copies, plus the shipping if asked, plus their share of the order's tax (pro rata to (subtotal + shipping), rounded down); a refund that leaves nothing unrefunded takes all that is left. Or `amount`. `restock` puts the lines' copies back on the shelf at once. In the activity log.
         */
        post: operations["post_api_admin_orders_number_refunds"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/demo/confirmation_tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Keep payment details as a single-use ConfirmationToken (Stripe.js's createConfirmationToken)
         * @description Stores the outcome Stripe's test cards give and a preview of the payment method (brand and last four digits), never the card number. Send its id with Pay (`confirmationToken`).
         */
        post: operations["post_demo_confirmation_tokens"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/demo/payment_intents/{intent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A demo PaymentIntent, as Stripe.js's retrievePaymentIntent sees it */
        get: operations["get_demo_payment_intents_intent_id"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/demo/payment_intents/{intent_id}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Attempt payment with a test card */
        post: operations["post_demo_payment_intents_intent_id_confirm"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/demo/payment_intents/{intent_id}/authenticate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve or fail a 3D Secure challenge */
        post: operations["post_demo_payment_intents_intent_id_authenticate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/demo/bank/{intent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The demo bank's page, where a redirect payment is approved or failed */
        get: operations["get_demo_bank_intent_id"];
        put?: never;
        /** Approve or fail at the demo bank, then go back to the shop's return_url */
        post: operations["post_demo_bank_intent_id"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * ActivityEntryResponse
         * @description One entry of the activity log.
         */
        ActivityEntryResponse: {
            /** Id */
            id: number;
            /**
             * At
             * @description UTC, e.g. 2026-12-15T09:30:00Z.
             */
            at: string;
            /**
             * Action
             * @description sign_in, sign_in_failed, sign_out, sign_out_everywhere, enrolled, owner_added, owner_removed, owner_reset, or one of the dashboard's actions.
             */
            action: string;
            /**
             * Email
             * @description The owner's, or the one tried at sign-in.
             */
            email: string | null;
            /**
             * Clientaddress
             * @description Null for the command line.
             */
            clientAddress: string | null;
            /** Detail */
            detail: string;
        };
        /**
         * ActivityResponse
         * @description GET /api/admin/activity: a page of entries, newest first.
         */
        ActivityResponse: {
            /** Entries */
            entries: components["schemas"]["ActivityEntryResponse"][];
            /**
             * Nextbefore
             * @description Pass as `before` for the next (older) page; null on the last page.
             */
            nextBefore: number | null;
        };
        /**
         * AddressInput
         * @description A postal address as Stripe's Address Element gives it (checked by bookstore.addresses).
         */
        AddressInput: {
            /** Line1 */
            line1: string;
            /**
             * Line2
             * @default null
             */
            line2?: string | null;
            /** City */
            city: string;
            /**
             * State
             * @default null
             */
            state?: string | null;
            /** Postalcode */
            postalCode: string;
            /**
             * Country
             * @description ISO 3166-1 alpha-2, e.g. US.
             */
            country: string;
        };
        /**
         * AddressResponse
         * @description A shipping address as the server checked and stored it.
         */
        AddressResponse: {
            /** Name */
            name: string;
            /** Line1 */
            line1: string;
            /** Line2 */
            line2: string | null;
            /** City */
            city: string;
            /** State */
            state: string | null;
            /** Postalcode */
            postalCode: string;
            /** Country */
            country: string;
            /** Phone */
            phone: string | null;
        };
        /**
         * AuthenticateBody
         * @description Body of POST /demo/payment_intents/<id>/authenticate.
         */
        AuthenticateBody: {
            /** Client Secret */
            client_secret: string;
            /** Approve */
            approve: boolean;
        };
        /**
         * AuthenticatorResponse
         * @description POST /api/admin/enrolment/start: what to set the authenticator app up with.
         */
        AuthenticatorResponse: {
            /** Email */
            email: string;
            /**
             * Secret
             * @description Base32, for typing into the app instead of scanning.
             */
            secret: string;
            /**
             * Otpauthuri
             * @description otpauth://totp/...: what the QR code holds.
             */
            otpauthUri: string;
            /**
             * Qrsvg
             * @description The QR code as a standalone SVG document (show it as an image, e.g. a data:image/svg+xml URL).
             */
            qrSvg: string;
            /**
             * Digits
             * @description Digits per code.
             */
            digits: number;
            /**
             * Period
             * @description Seconds per code.
             */
            period: number;
            /**
             * Linkexpiresat
             * @description UTC, e.g. 2026-12-15T09:30:00Z.
             */
            linkExpiresAt: string;
        };
        /**
         * BankDecision
         * @description The bank page's form: the shopper's choice, with the client secret that opened it.
         */
        BankDecision: {
            /** Client Secret */
            client_secret: string;
            /**
             * Decision
             * @enum {string}
             */
            decision: "approve" | "fail";
        };
        /**
         * BankRedirectBody
         * @description The demo bank's redirect method: nothing to fill in, the bank's page asks.
         */
        BankRedirectBody: Record<string, never>;
        /**
         * BookListResponse
         * @description GET /api/books: every book on sale, in shelf order.
         */
        BookListResponse: {
            /** Books */
            books: components["schemas"]["BookResponse"][];
        };
        /**
         * BookResponse
         * @description A book on sale.
         */
        BookResponse: {
            /** Id */
            id: string;
            /** Title */
            title: string;
            /** Author */
            author: string;
            /** Description */
            description: string;
            /** Format */
            format: string;
            /** Year */
            year: number;
            /**
             * Price
             * @description Smallest currency unit (cents for USD).
             */
            price: number;
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            /**
             * Color
             * @description Cover colour, #rrggbb.
             */
            color: string;
            /**
             * Inkcolor
             * @description Text colour on the cover, #rrggbb.
             */
            inkColor: string;
            /**
             * Available
             * @description Copies that can be ordered now: stock less the copies held by checkouts in progress. 0 means sold out. Checkout checks it again.
             */
            available: number;
        };
        /**
         * CardBody
         * @description Card fields as the stand-in's form sends them; only checked for shape here.
         */
        CardBody: {
            /** Number */
            number: string;
            /** Exp Month */
            exp_month: number;
            /** Exp Year */
            exp_year: number;
            /** Cvc */
            cvc: string;
        };
        /**
         * CartItem
         * @description One line of the cart as the browser sends it: a book id and how many.
         */
        CartItem: {
            /** Id */
            id: string;
            /** Quantity */
            quantity: number;
        };
        /**
         * ConfigResponse
         * @description GET /config: what the browser needs before it can take a payment (never a secret).
         */
        ConfigResponse: {
            /**
             * Publishablekey
             * @description pk_test_... in Stripe mode; null in demo.
             */
            publishableKey: string | null;
            /**
             * Mode
             * @enum {string}
             */
            mode: "stripe" | "demo";
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            /** Shippingcountries */
            shippingCountries: components["schemas"]["CountryResponse"][];
        };
        /**
         * ConfirmBody
         * @description Body of POST /demo/payment_intents/<id>/confirm: exactly one payment method.
         */
        ConfirmBody: {
            /** @default null */
            card?: components["schemas"]["CardBody"] | null;
            /** @default null */
            bank_redirect?: components["schemas"]["BankRedirectBody"] | null;
            /** @default null */
            sepa_debit?: components["schemas"]["SepaDebitBody"] | null;
            /**
             * Return Url
             * @default null
             */
            return_url?: string | null;
            /** Client Secret */
            client_secret: string;
        };
        /**
         * ConfirmationTokenBody
         * @description Body of POST /demo/confirmation_tokens (Stripe.js's createConfirmationToken).
         */
        ConfirmationTokenBody: {
            /** @default null */
            card?: components["schemas"]["CardBody"] | null;
            /** @default null */
            bank_redirect?: components["schemas"]["BankRedirectBody"] | null;
            /** @default null */
            sepa_debit?: components["schemas"]["SepaDebitBody"] | null;
            /**
             * Return Url
             * @default null
             */
            return_url?: string | null;
        };
        /**
         * CountryResponse
         * @description A country the shop ships to.
         */
        CountryResponse: {
            /**
             * Code
             * @description ISO 3166-1 alpha-2, e.g. US.
             */
            code: string;
            /** Name */
            name: string;
        };
        /**
         * CreatePaymentIntentRequest
         * @description Body of POST /create-payment-intent (Pay): the quote's fields, all details required.
         *
         *     The email and shipping address must be given (400 `missing_details` otherwise).
         */
        CreatePaymentIntentRequest: {
            /** Items */
            items: components["schemas"]["CartItem"][];
            /**
             * Cartid
             * @default null
             */
            cartId?: string | null;
            /**
             * Email
             * @default null
             */
            email?: string | null;
            /** @default null */
            shipping?: components["schemas"]["ShippingInput"] | null;
            /**
             * Deliverymethod
             * @default null
             */
            deliveryMethod?: ("standard" | "express") | null;
            /**
             * Quoteid
             * @description The quoteId the shopper was shown; 409 `quote_changed` if the price is no longer that.
             * @default null
             */
            quoteId?: string | null;
            /**
             * Confirmationtoken
             * @description The ConfirmationToken (ctoken_...) of the payment details the page collected: the PaymentIntent is confirmed with it on the server.
             * @default null
             */
            confirmationToken?: string | null;
            /**
             * Returnurl
             * @description Where a redirect (3-D Secure, a bank) sends the shopper back: a page of this shop. Required with confirmationToken.
             * @default null
             */
            returnUrl?: string | null;
        };
        /**
         * DeadJobResponse
         * @description Work for the order the worker gave up on.
         */
        DeadJobResponse: {
            /** Id */
            id: number;
            /** Kind */
            kind: string;
            /** Lasterror */
            lastError: string | null;
        };
        /**
         * DeliveryOptionResponse
         * @description A delivery method priced for the order's destination.
         */
        DeliveryOptionResponse: {
            /**
             * Method
             * @enum {string}
             */
            method: "standard" | "express";
            /** Label */
            label: string;
            /**
             * Amount
             * @description Smallest currency unit (cents for USD).
             */
            amount: number;
            /**
             * Mindays
             * @description Business days, at the earliest.
             */
            minDays: number;
            /**
             * Maxdays
             * @description Business days, at the latest.
             */
            maxDays: number;
        };
        /**
         * DemoAuthenticate
         * @description Next: pass the stand-in's 3D Secure challenge.
         */
        DemoAuthenticate: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "demo_authenticate";
        };
        /**
         * DemoCardPreview
         * @description A card as a payment method preview shows it.
         */
        DemoCardPreview: {
            /** Brand */
            brand: string;
            /** Last4 */
            last4: string;
        };
        /**
         * DemoConfirmationTokenResponse
         * @description A demo ConfirmationToken in Stripe's shape: send its id with Pay.
         */
        DemoConfirmationTokenResponse: {
            /**
             * Id
             * @description ctoken_demo_...; used once.
             */
            id: string;
            /**
             * Object
             * @constant
             */
            object: "confirmation_token";
            payment_method_preview: components["schemas"]["DemoPaymentMethodPreview"];
            /**
             * Return Url
             * @default null
             */
            return_url?: string | null;
            /** Created */
            created: number;
            /** Expires At */
            expires_at: number;
            /** Livemode */
            livemode: boolean;
        };
        /**
         * DemoDebitPreview
         * @description A bank account as a payment method preview shows it.
         */
        DemoDebitPreview: {
            /** Last4 */
            last4: string;
        };
        /**
         * DemoPaymentError
         * @description Why the last attempt failed, in Stripe's words.
         */
        DemoPaymentError: {
            /**
             * Type
             * @constant
             */
            type: "card_error";
            /** Code */
            code: string;
            /** Decline Code */
            decline_code: string | null;
            /** Message */
            message: string | null;
        };
        /**
         * DemoPaymentIntentResponse
         * @description A demo PaymentIntent in Stripe's shape, with the client secret its caller proved.
         */
        DemoPaymentIntentResponse: {
            /** Id */
            id: string;
            /**
             * Object
             * @constant
             */
            object: "payment_intent";
            /** Amount */
            amount: number;
            /** Amount Received */
            amount_received: number;
            /** Currency */
            currency: string;
            /**
             * Status
             * @enum {string}
             */
            status: "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "requires_capture" | "canceled" | "succeeded";
            /** Metadata */
            metadata: {
                [key: string]: string;
            };
            last_payment_error: components["schemas"]["DemoPaymentError"] | null;
            /** Next Action */
            next_action: (components["schemas"]["DemoAuthenticate"] | components["schemas"]["DemoRedirectToUrl"]) | null;
            /** Created */
            created: number;
            /** Livemode */
            livemode: boolean;
            /** Client Secret */
            client_secret: string;
        };
        /**
         * DemoPaymentMethodPreview
         * @description What a ConfirmationToken will pay with, never the card number.
         */
        DemoPaymentMethodPreview: {
            /**
             * Type
             * @enum {string}
             */
            type: "card" | "sepa_debit" | "bank_redirect";
            /** @default null */
            card?: components["schemas"]["DemoCardPreview"] | null;
            /** @default null */
            sepa_debit?: components["schemas"]["DemoDebitPreview"] | null;
        };
        /**
         * DemoRedirect
         * @description Where a redirect payment method sends the shopper, and where it sends them back.
         */
        DemoRedirect: {
            /** Url */
            url: string;
            /** Return Url */
            return_url: string | null;
        };
        /**
         * DemoRedirectToUrl
         * @description Next: go to the demo bank's page (Stripe.js's redirect_to_url).
         */
        DemoRedirectToUrl: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            type: "redirect_to_url";
            redirect_to_url: components["schemas"]["DemoRedirect"];
        };
        /**
         * EnrolmentFinishRequest
         * @description Body of POST /api/admin/enrolment/finish.
         */
        EnrolmentFinishRequest: {
            /** Token */
            token: string;
            /**
             * Password
             * @description 15 to 256 characters, any at all; not a commonly used password.
             */
            password: string;
            /**
             * Code
             * @description The 6 digits the authenticator app shows now, or (at sign-in) one of the recovery codes.
             */
            code: string;
        };
        /**
         * EnrolmentStartRequest
         * @description Body of POST /api/admin/enrolment/start: the token from the link's fragment.
         */
        EnrolmentStartRequest: {
            /** Token */
            token: string;
        };
        /**
         * ErrorDetail
         * @description The error itself: a stable code to branch on and a message for people.
         */
        ErrorDetail: {
            /** Code */
            code: string;
            /** Message */
            message: string;
            /**
             * Details
             * @description Validation errors list fields; some codes carry an object.
             * @default null
             */
            details?: components["schemas"]["FieldError"][] | components["schemas"]["InsufficientStockDetails"] | components["schemas"]["QuoteChangedDetails"] | {
                [key: string]: unknown;
            } | null;
        };
        /**
         * ErrorResponse
         * @description Every failure: {"error": {"code", "message", "details"?}}.
         */
        ErrorResponse: {
            error: components["schemas"]["ErrorDetail"];
        };
        /**
         * FieldError
         * @description One reason a request body was refused.
         */
        FieldError: {
            /**
             * Field
             * @description Dotted path, e.g. "items.0.quantity", or "body".
             */
            field: string;
            /** Message */
            message: string;
        };
        /**
         * InsufficientStockDetails
         * @description `details` of a 409 `insufficient_stock`: every title the cart asks too much of.
         */
        InsufficientStockDetails: {
            /** Items */
            items: components["schemas"]["StockShortage"][];
        };
        /**
         * LineResponse
         * @description An order line priced by the server.
         */
        LineResponse: {
            /** Id */
            id: string;
            /** Title */
            title: string;
            /** Quantity */
            quantity: number;
            /**
             * Unitamount
             * @description Smallest currency unit (cents for USD).
             */
            unitAmount: number;
            /**
             * Linetotal
             * @description Smallest currency unit (cents for USD).
             */
            lineTotal: number;
        };
        /**
         * LivenessResponse
         * @description GET /healthz: the process answers HTTP.
         */
        LivenessResponse: {
            /**
             * Status
             * @constant
             */
            status: "ok";
        };
        /**
         * NoteRequest
         * @description Body of POST /api/admin/orders/{number}/notes.
         */
        NoteRequest: {
            /**
             * Text
             * @description Shown only to the owners, in the order's timeline.
             */
            text: string;
        };
        /**
         * OrderListResponse
         * @description GET /api/admin/orders: a page of the orders found, newest first.
         */
        OrderListResponse: {
            /** Orders */
            orders: components["schemas"]["OrderRowResponse"][];
            /** Page */
            page: number;
            /** Pagesize */
            pageSize: number;
            /**
             * Total
             * @description Orders found in all pages.
             */
            total: number;
        };
        /**
         * OrderLookupRequest
         * @description Body of POST /api/order-lookup: the order number and the email it was placed with.
         */
        OrderLookupRequest: {
            /**
             * Number
             * @description As printed, e.g. "SP-7K3M9Q"; case, spaces and the prefix are forgiven.
             */
            number: string;
            /** Email */
            email: string;
        };
        /**
         * OrderRefundResponse
         * @description The order's full refund, once asked for.
         */
        OrderRefundResponse: {
            /**
             * Cause
             * @description `sold_out`: the copies were gone when the payment came; `shop`: the shop refunded it.
             */
            cause: ("sold_out" | "shop") | null;
            /** Note */
            note: string | null;
            /** Requestedat */
            requestedAt: string | null;
            /**
             * Refundid
             * @description The gateway's refund; null while not sent.
             */
            refundId: string | null;
            /**
             * Problem
             * @description Why the gateway did not refund it (a refusal, or a refund that failed later): it waits for the owner.
             */
            problem: string | null;
        };
        /**
         * OrderResponse
         * @description GET /api/orders/{paymentIntentId}: the order as the server knows it.
         */
        OrderResponse: {
            /**
             * Ordernumber
             * @description What the shopper quotes, e.g. "SP-7K3M9Q".
             */
            orderNumber: string;
            /** Paymentintentid */
            paymentIntentId: string;
            /** @description The order's own status, set by webhook events. */
            status: components["schemas"]["OrderStatus"];
            /**
             * Paymentstatus
             * @description The PaymentIntent's status at the gateway; null if it could not be asked.
             */
            paymentStatus: ("requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "requires_capture" | "canceled" | "succeeded") | null;
            /**
             * Amount
             * @description Smallest currency unit (cents for USD).
             */
            amount: number;
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            /**
             * Paidat
             * @description UTC, e.g. 2026-11-27T21:03:00Z.
             */
            paidAt: string | null;
            /** Failuremessage */
            failureMessage: string | null;
            /** Items */
            items: components["schemas"]["LineResponse"][];
            /**
             * Subtotal
             * @description Smallest currency unit (cents for USD).
             */
            subtotal: number;
            /**
             * Shippingamount
             * @description Smallest currency unit (cents for USD).
             */
            shippingAmount: number;
            /**
             * Taxamount
             * @description Smallest currency unit (cents for USD).
             */
            taxAmount: number;
            /** Email */
            email: string | null;
            shipping: components["schemas"]["AddressResponse"] | null;
            delivery: components["schemas"]["DeliveryOptionResponse"] | null;
            /**
             * Paymentmethod
             * @description How it was paid, e.g. "Visa •••• 4242".
             */
            paymentMethod: string | null;
            /**
             * Refundcause
             * @description Why the order is `refunding` or `refunded`: `sold_out` when the copies were gone by the time the payment arrived (refunded automatically), `shop` when the shop refunded it; null otherwise.
             */
            refundCause: ("sold_out" | "shop") | null;
            /** @description Null until the order has shipped. */
            shipment: components["schemas"]["ShipmentResponse"] | null;
        };
        /**
         * OrderRowResponse
         * @description One order in the list.
         */
        OrderRowResponse: {
            /** Number */
            number: string;
            /**
             * Createdat
             * @description UTC, e.g. 2026-12-15T09:30:00Z.
             */
            createdAt: string;
            /** Email */
            email: string | null;
            /**
             * Total
             * @description Smallest currency unit (cents for USD).
             */
            total: number;
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            status: components["schemas"]["OrderStatus"];
            /**
             * Paymentmethod
             * @description e.g. "Visa •••• 4242".
             */
            paymentMethod: string | null;
            /**
             * Shippedat
             * @description Null until it has shipped.
             */
            shippedAt: string | null;
        };
        /**
         * OrderStatus
         * @description Where an order stands, derived from its PaymentIntent's webhook events.
         * @enum {string}
         */
        OrderStatus: "pending" | "processing" | "paid" | "failed" | "canceled" | "refunding" | "refunded" | "partially_refunded" | "review";
        /**
         * OrderViewResponse
         * @description GET /api/admin/orders/{number}: everything about the order, and its timeline.
         */
        OrderViewResponse: {
            /** Number */
            number: string;
            status: components["schemas"]["OrderStatus"];
            /**
             * Mode
             * @description The gateway that took the payment: demo, stripe_test or stripe_live.
             */
            mode: string | null;
            /** Paymentintentid */
            paymentIntentId: string | null;
            /** Email */
            email: string | null;
            /**
             * Createdat
             * @description UTC, e.g. 2026-12-15T09:30:00Z.
             */
            createdAt: string;
            shipTo: components["schemas"]["AddressResponse"] | null;
            delivery: components["schemas"]["DeliveryOptionResponse"] | null;
            /** Lines */
            lines: components["schemas"]["LineResponse"][];
            /**
             * Subtotal
             * @description Smallest currency unit (cents for USD).
             */
            subtotal: number;
            /**
             * Shippingamount
             * @description Smallest currency unit (cents for USD).
             */
            shippingAmount: number;
            /**
             * Taxamount
             * @description Smallest currency unit (cents for USD).
             */
            taxAmount: number;
            /**
             * Total
             * @description Smallest currency unit (cents for USD).
             */
            total: number;
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            /**
             * Paidamount
             * @description What arrived; null until paid.
             */
            paidAmount: number | null;
            /** Paidat */
            paidAt: string | null;
            /** Paymentmethod */
            paymentMethod: string | null;
            /**
             * Helduntil
             * @description Until when its copies are held.
             */
            heldUntil: string | null;
            /**
             * Holdactive
             * @description Whether they are held now.
             */
            holdActive: boolean;
            /**
             * Stocktaken
             * @description Whether its copies were taken off the shelf.
             */
            stockTaken: boolean;
            /** Failuremessage */
            failureMessage: string | null;
            refund: components["schemas"]["OrderRefundResponse"] | null;
            /**
             * Reviewreason
             * @description Why it is under review; null otherwise.
             */
            reviewReason: string | null;
            /** Deadjobs */
            deadJobs: components["schemas"]["DeadJobResponse"][];
            shipment: components["schemas"]["ShipmentResponse"] | null;
            /**
             * Timeline
             * @description Oldest first.
             */
            timeline: components["schemas"]["TimelineEntryResponse"][];
        };
        /**
         * OwnerResponse
         * @description The signed-in owner.
         */
        OwnerResponse: {
            /** Email */
            email: string;
        };
        /**
         * PaymentIntentResponse
         * @description POST /create-payment-intent: the order's PaymentIntent, which charges the quote.
         */
        PaymentIntentResponse: {
            /**
             * Amount
             * @description The total: subtotal + shipping + tax.
             */
            amount: number;
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            /** Items */
            items: components["schemas"]["LineResponse"][];
            /**
             * Subtotal
             * @description Smallest currency unit (cents for USD).
             */
            subtotal: number;
            /**
             * Shippingamount
             * @description Null until there is an address.
             */
            shippingAmount: number | null;
            /**
             * Taxamount
             * @description Null until there is an address.
             */
            taxAmount: number | null;
            /** Email */
            email: string | null;
            shipping: components["schemas"]["AddressResponse"] | null;
            /** Deliverymethod */
            deliveryMethod: ("standard" | "express") | null;
            /** Deliveryoptions */
            deliveryOptions: components["schemas"]["DeliveryOptionResponse"][];
            /**
             * Readytopay
             * @description Email, address and delivery are all given.
             */
            readyToPay: boolean;
            /**
             * Quoteid
             * @description A digest of the inputs and every price: the same for the same quote, different whenever anything in it changes. Send it with Pay.
             */
            quoteId: string;
            /** Clientsecret */
            clientSecret: string;
            /** Paymentintentid */
            paymentIntentId: string;
            /**
             * Ordernumber
             * @description What the shopper quotes, e.g. "SP-7K3M9Q".
             */
            orderNumber: string;
            /**
             * Status
             * @description The PaymentIntent's status after this call: `requires_payment_method` without a confirmationToken; else `succeeded`, `processing` or `requires_action` (3-D Secure, a bank's page: Stripe.js's handleNextAction).
             * @enum {string}
             */
            status: "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "requires_capture" | "canceled" | "succeeded";
        };
        /**
         * QuoteChangedDetails
         * @description `details` of a 409 `quote_changed`: the quote as it is now, to show before paying.
         */
        QuoteChangedDetails: {
            quote: components["schemas"]["QuoteResponse"];
        };
        /**
         * QuoteRequest
         * @description Body of POST /api/quote; anything else in it (an amount...) is ignored.
         *
         *     The cart alone prices its lines; with a shipping address, delivery and tax are quoted too.
         */
        QuoteRequest: {
            /** Items */
            items: components["schemas"]["CartItem"][];
            /**
             * Cartid
             * @default null
             */
            cartId?: string | null;
            /**
             * Email
             * @default null
             */
            email?: string | null;
            /** @default null */
            shipping?: components["schemas"]["ShippingInput"] | null;
            /**
             * Deliverymethod
             * @default null
             */
            deliveryMethod?: ("standard" | "express") | null;
        };
        /**
         * QuoteResponse
         * @description POST /api/quote: the server's price for the cart and the details given so far.
         */
        QuoteResponse: {
            /**
             * Amount
             * @description The total: subtotal + shipping + tax.
             */
            amount: number;
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            /** Items */
            items: components["schemas"]["LineResponse"][];
            /**
             * Subtotal
             * @description Smallest currency unit (cents for USD).
             */
            subtotal: number;
            /**
             * Shippingamount
             * @description Null until there is an address.
             */
            shippingAmount: number | null;
            /**
             * Taxamount
             * @description Null until there is an address.
             */
            taxAmount: number | null;
            /** Email */
            email: string | null;
            shipping: components["schemas"]["AddressResponse"] | null;
            /** Deliverymethod */
            deliveryMethod: ("standard" | "express") | null;
            /** Deliveryoptions */
            deliveryOptions: components["schemas"]["DeliveryOptionResponse"][];
            /**
             * Readytopay
             * @description Email, address and delivery are all given.
             */
            readyToPay: boolean;
            /**
             * Quoteid
             * @description A digest of the inputs and every price: the same for the same quote, different whenever anything in it changes. Send it with Pay.
             */
            quoteId: string;
        };
        /**
         * ReadinessChecks
         * @description What /readyz checked: "ok", or why not.
         */
        ReadinessChecks: {
            /** Database */
            database: string;
            /** Payments */
            payments: string;
        };
        /**
         * ReadinessResponse
         * @description GET /readyz: the database answers and the payment settings are complete.
         */
        ReadinessResponse: {
            /**
             * Status
             * @constant
             */
            status: "ready";
            checks: components["schemas"]["ReadinessChecks"];
        };
        /**
         * RecoveryCodesResponse
         * @description POST /api/admin/enrolment/finish: the ten recovery codes, shown this once.
         */
        RecoveryCodesResponse: {
            /**
             * Recoverycodes
             * @description Each signs in once in place of a code from the app.
             */
            recoveryCodes: string[];
        };
        /**
         * RefundCreatedResponse
         * @description POST /api/admin/orders/{number}/refunds: the refund, asked for (201).
         */
        RefundCreatedResponse: {
            refund: components["schemas"]["RefundResponse"];
        };
        /**
         * RefundLineRequest
         * @description Copies of one book to refund.
         */
        RefundLineRequest: {
            /** Bookid */
            bookId: string;
            /** Quantity */
            quantity: number;
        };
        /**
         * RefundLineResponse
         * @description Copies of one book: refunded, or left to refund.
         */
        RefundLineResponse: {
            /** Bookid */
            bookId: string;
            /** Title */
            title: string;
            /** Quantity */
            quantity: number;
        };
        /**
         * RefundRequest
         * @description Body of POST /api/admin/orders/{number}/refunds: part of the order, or an amount.
         */
        RefundRequest: {
            /**
             * Lines
             * @description Copies to refund; their price and share of the tax make the amount.
             */
            lines?: components["schemas"]["RefundLineRequest"][];
            /**
             * Shipping
             * @description Refund the shipping too (once).
             * @default false
             */
            shipping?: boolean;
            /**
             * Amount
             * @description Refund this much (smallest currency unit) instead of what the lines and shipping come to; the lines then say what it is for.
             * @default null
             */
            amount?: number | null;
            /**
             * Reason
             * @description Why, for the order's history (the customer is not shown it).
             * @default null
             */
            reason?: string | null;
            /**
             * Restock
             * @description Put the lines' copies back on the shelf now.
             */
            restock: boolean;
            /**
             * Notify
             * @description Email the customer the amount once the refund has gone through.
             */
            notify: boolean;
        };
        /**
         * RefundResponse
         * @description One partial refund.
         */
        RefundResponse: {
            /** Id */
            id: number;
            /**
             * Amount
             * @description Smallest currency unit (cents for USD).
             */
            amount: number;
            /**
             * Currency
             * @description Lower-case ISO code.
             */
            currency: string;
            /** @description `requested` (the worker sends it), `sent` (the gateway took it), `succeeded` (its charge.refunded came), `failed` (see `error`; it no longer counts). */
            status: components["schemas"]["RefundStatus"];
            /** Lines */
            lines: components["schemas"]["RefundLineResponse"][];
            /** Shipping */
            shipping: boolean;
            /**
             * Restock
             * @description Its copies were put back on the shelf.
             */
            restock: boolean;
            /** Notify */
            notify: boolean;
            /** Reason */
            reason: string | null;
            /**
             * Error
             * @description Why it failed, for the owner.
             */
            error: string | null;
            /**
             * Createdat
             * @description UTC, e.g. 2026-12-15T09:30:00Z.
             */
            createdAt: string;
        };
        /**
         * RefundStatus
         * @description Where one partial refund stands.
         * @enum {string}
         */
        RefundStatus: "requested" | "sent" | "succeeded" | "failed";
        /**
         * RefundableResponse
         * @description What is left to refund of the order.
         */
        RefundableResponse: {
            /**
             * Amount
             * @description What was paid less every refund not failed.
             */
            amount: number;
            /**
             * Lines
             * @description Copies of each line left to refund.
             */
            lines: components["schemas"]["RefundLineResponse"][];
            /**
             * Shipping
             * @description The shipping, if not refunded yet; else 0.
             */
            shipping: number;
        };
        /**
         * RefundsResponse
         * @description GET /api/admin/orders/{number}/refunds: the partial refunds, oldest first, and what is
         *     left (all zero unless the order is paid or partially refunded).
         */
        RefundsResponse: {
            /** Refunds */
            refunds: components["schemas"]["RefundResponse"][];
            refundable: components["schemas"]["RefundableResponse"];
        };
        /**
         * ResolveRequest
         * @description Body of POST /api/admin/orders/{number}/resolve.
         */
        ResolveRequest: {
            /**
             * Outcome
             * @description `paid`: accept the payment as it is (the copies off the shelf, the confirmation email). `refund`: refund it in full, the copies back on the shelf.
             * @enum {string}
             */
            outcome: "paid" | "refund";
            /**
             * Reason
             * @description Why, for the order's history.
             * @default null
             */
            reason?: string | null;
        };
        /**
         * SepaDebitBody
         * @description A SEPA Direct Debit as the stand-in's form sends it.
         */
        SepaDebitBody: {
            /** Iban */
            iban: string;
        };
        /**
         * SessionResponse
         * @description POST and GET /api/admin/session: the session and its CSRF token.
         */
        SessionResponse: {
            owner: components["schemas"]["OwnerResponse"];
            /**
             * Csrftoken
             * @description Send it as X-CSRF-Token with every POST and DELETE.
             */
            csrfToken: string;
            /**
             * Expiresat
             * @description When the session ends however busy it is.
             */
            expiresAt: string;
            /**
             * Idleexpiresat
             * @description When it ends unless a request comes first.
             */
            idleExpiresAt: string;
        };
        /**
         * SessionsEndedResponse
         * @description POST /api/admin/sessions/revoke-all: every session of the owner has ended.
         */
        SessionsEndedResponse: {
            /**
             * Sessionsended
             * @description This one included.
             */
            sessionsEnded: number;
        };
        /**
         * ShelfCountRequest
         * @description Body of PUT /api/admin/stock/{book_id}: what the owner counted, and why it changed.
         */
        ShelfCountRequest: {
            /**
             * Onshelf
             * @description Copies on the shelf now.
             */
            onShelf: number;
            /**
             * Reason
             * @description Why (a delivery, a stocktake, damaged copies...), for the history.
             */
            reason: string;
        };
        /**
         * ShipmentRequest
         * @description Body of POST /api/admin/orders/{number}/shipment.
         */
        ShipmentRequest: {
            /**
             * Carrier
             * @description `Other`: a carrier with no tracking link.
             * @enum {string}
             */
            carrier: "UPS" | "USPS" | "FedEx" | "DHL" | "Royal Mail" | "Other";
            /**
             * Trackingnumber
             * @description 4 to 40 letters, digits, spaces and dashes, a letter or digit at each end; stored in upper case.
             */
            trackingNumber: string;
        };
        /**
         * ShipmentResponse
         * @description A shipped order's parcel.
         */
        ShipmentResponse: {
            /**
             * Carrier
             * @description `Other` is a carrier the shop has no tracking link for.
             * @enum {string}
             */
            carrier: "UPS" | "USPS" | "FedEx" | "DHL" | "Royal Mail" | "Other";
            /** Trackingnumber */
            trackingNumber: string;
            /**
             * Trackingurl
             * @description The carrier's tracking page; null for Other.
             */
            trackingUrl: string | null;
            /**
             * Shippedat
             * @description UTC, e.g. 2026-12-16T14:05:00Z.
             */
            shippedAt: string;
        };
        /**
         * ShippingInput
         * @description Who receives the books, and where.
         */
        ShippingInput: {
            /** Name */
            name: string;
            /**
             * Phone
             * @default null
             */
            phone?: string | null;
            address: components["schemas"]["AddressInput"];
        };
        /**
         * SignInRequest
         * @description Body of POST /api/admin/session.
         */
        SignInRequest: {
            /** Email */
            email: string;
            /** Password */
            password: string;
            /**
             * Code
             * @description The 6 digits the authenticator app shows now, or (at sign-in) one of the recovery codes.
             */
            code: string;
        };
        /**
         * SignedOutResponse
         * @description DELETE /api/admin/session: this session has ended.
         */
        SignedOutResponse: {
            /**
             * Signedout
             * @constant
             */
            signedOut: true;
        };
        /**
         * StockListResponse
         * @description GET /api/admin/stock: every title, in shelf order.
         */
        StockListResponse: {
            /** Books */
            books: components["schemas"]["StockRowResponse"][];
        };
        /**
         * StockRowResponse
         * @description One title's copies.
         */
        StockRowResponse: {
            /** Id */
            id: string;
            /** Title */
            title: string;
            /**
             * Onsale
             * @description False for a title the shop no longer shows.
             */
            onSale: boolean;
            /**
             * Onshelf
             * @description Copies on the shelf; paid orders taken off.
             */
            onShelf: number;
            /**
             * Held
             * @description Held now by checkouts that are not paid yet.
             */
            held: number;
            /**
             * Available
             * @description On the shelf less held, never below 0.
             */
            available: number;
            /**
             * Lowstockthreshold
             * @description The owners are emailed when `available` falls to it; null: never.
             */
            lowStockThreshold: number | null;
        };
        /**
         * StockShortage
         * @description A title in the cart with fewer copies available than asked for.
         */
        StockShortage: {
            /**
             * Id
             * @description The book's id.
             */
            id: string;
            /** Title */
            title: string;
            /** Requested */
            requested: number;
            /**
             * Available
             * @description Copies that can be ordered now; 0: sold out.
             */
            available: number;
        };
        /**
         * StripeEvent
         * @description The parts of a Stripe event POST /webhook reads, once its signature is verified.
         *
         *     Stripe's signature, not this model, decides whether a delivery is accepted; the model
         *     documents the body for the OpenAPI document.
         */
        StripeEvent: {
            /**
             * Id
             * @description evt_...; each id is applied once.
             */
            id: string;
            /**
             * Type
             * @description e.g. payment_intent.succeeded; other types are ignored.
             */
            type: string;
            data: components["schemas"]["StripeEventData"];
        };
        /**
         * StripeEventData
         * @description The event's subject: a PaymentIntent, or a Charge for refunds.
         */
        StripeEventData: {
            /** Object */
            object: {
                [key: string]: unknown;
            };
        };
        /**
         * ThresholdRequest
         * @description Body of PUT /api/admin/stock/{book_id}/threshold.
         */
        ThresholdRequest: {
            /**
             * Lowstockthreshold
             * @description Email the owners when the copies available fall to this or below (once per fall); null: never.
             */
            lowStockThreshold: number | null;
        };
        /**
         * TimelineEntryResponse
         * @description One entry of the order's history.
         */
        TimelineEntryResponse: {
            /**
             * At
             * @description UTC, e.g. 2026-12-15T09:30:00Z.
             */
            at: string;
            /**
             * Kind
             * @description A provider event's type (`payment_intent.succeeded`...), the shop's own (`refund_requested`...), or an owner's action (`shipped`, `note`, `resolved_paid`).
             */
            kind: string;
            /** Detail */
            detail: string;
        };
        /**
         * WebhookResponse
         * @description POST /webhook: the event was verified; what applying it did.
         */
        WebhookResponse: {
            /**
             * Received
             * @constant
             */
            received: true;
            /**
             * Result
             * @enum {string}
             */
            result: "processed" | "duplicate" | "ignored";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    get_config: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConfigResponse"];
                };
            };
        };
    };
    get_api_books: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BookListResponse"];
                };
            };
            /** @description Not modified: the client's copy (If-None-Match). */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    get_api_books_book_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The book's slug, e.g. the-dream-machine. */
                book_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BookResponse"];
                };
            };
            /** @description Not modified: the client's copy (If-None-Match). */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `not_found`: no such resource (or a client secret that does not match it). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_quote: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["QuoteRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QuoteResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error`, `empty_cart`, `unknown_books` (`details.ids`), `invalid_email` or `invalid_address` (`details` names the fields). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `insufficient_stock`: fewer copies can be ordered than asked for (`details.items`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `rate_limited`: too many requests of this kind from this client; see `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payment_provider_error`: Stripe Tax refused our request. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payment_provider_unavailable`: Stripe Tax could not be asked (see `Retry-After`). */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_create_payment_intent: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreatePaymentIntentRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentIntentResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error`, `empty_cart`, `unknown_books` (`details.ids`), `invalid_email` or `invalid_address` (`details` names the fields). `missing_details` (`details` names `email` and/or `shipping`); `invalid_return_url` (`returnUrl` missing with a confirmationToken, or not a page of this shop). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description The card was refused at confirmation: the provider's code (`card_declined`, ...) and user-safe message. The order and its PaymentIntent stay: Pay again with another ConfirmationToken. */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `quote_changed` (`details.quote` is the quote now: show it, then Pay with its quoteId); `insufficient_stock` (`details.items`); `payment_in_progress` (another Pay for this cart is under way, or its payment is processing); `cart_already_paid`; `cart_closed` (its payment was canceled). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `rate_limited` (see `Retry-After`), or `hold_limit`: this client already holds as many copies across its unpaid orders as one client may (the message names the limit; `details`: limit, held, requested). */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payment_provider_error`: the payment provider refused our request. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payment_provider_unavailable` (see `Retry-After`), or a rule of this operation. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_orders_payment_intent_id: {
        parameters: {
            query: {
                /** @description The PaymentIntent's client secret; a wrong one gets the same 404. */
                client_secret: string;
            };
            header?: never;
            path: {
                /** @description The PaymentIntent's id, pi_... */
                payment_intent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderResponse"];
                };
            };
            /** @description `not_found`: no such resource (or a client secret that does not match it). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `rate_limited`: too many requests of this kind from this client; see `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_order_lookup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderLookupRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error` (see `details`), or a rule of this operation. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no order has that number and email. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `rate_limited`: too many requests of this kind from this client; see `Retry-After`. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_webhook: {
        parameters: {
            query?: never;
            header: {
                /** @description t=<timestamp>,v1=<HMAC-SHA256 of the raw body>. */
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StripeEvent"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookResponse"];
                };
            };
            /** @description `invalid_signature` (signature, timestamp or body not verified). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `webhook_not_configured` (STRIPE_WEBHOOK_SECRET is not set: Stripe retries). */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_openapi_json: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
        };
    };
    get_healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LivenessResponse"];
                };
            };
        };
    };
    get_readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadinessResponse"];
                };
            };
            /** @description `not_ready`: `details` says which check failed. */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_enrolment_start: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnrolmentStartRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuthenticatorResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error`, or `enrolment_link_invalid` (unknown, used or expired link: links last 30 minutes). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_enrolment_finish: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnrolmentFinishRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RecoveryCodesResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error`, `enrolment_link_invalid`, `password_too_short` (under 15 characters), `password_too_long` (over 256), `common_password`, `password_guessable` (holds the shop's name or the owner's email), or `wrong_code`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_admin_session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignInRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error` (see `details`), or a rule of this operation. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `sign_in_failed`: the same answer for an unknown email, a wrong password, and a wrong, old or already used code. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `sign_in_throttled`: too many failed sign-ins from this connection (at this email, or in all); see `Retry-After`. Other connections are not affected. */
            429: {
                headers: {
                    /** @description Seconds to wait before trying again. */
                    "Retry-After"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    delete_api_admin_session: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path?: never;
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedOutResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_sessions_revoke_all: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path?: never;
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionsEndedResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_admin_activity: {
        parameters: {
            query?: {
                /** @description Only entries older than this id (`nextBefore` of a page). */
                before?: number;
                /** @description Entries per page. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ActivityResponse"];
                };
            };
            /** @description `validation_error`: `before` or `limit` is not valid. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_admin_orders: {
        parameters: {
            query?: {
                /** @description An order number or part of one (any case, with or without SP-), or part of the email (any case). */
                q?: string;
                /** @description Only orders in this status. */
                status?: "pending" | "processing" | "paid" | "failed" | "canceled" | "refunding" | "refunded" | "partially_refunded" | "review";
                /** @description Only orders created on or after this day (UTC). */
                from?: string;
                /** @description Only orders created on or before this day (UTC). */
                to?: string;
                /** @description Which page, from 1. */
                page?: number;
                /** @description Orders per page. */
                pageSize?: number;
            };
            header?: never;
            path?: never;
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderListResponse"];
                };
            };
            /** @description `validation_error`: a query parameter is not valid (`from` after `to` too). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_admin_orders_number: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The order number, e.g. SP-7K3M9Q (any case; spaces are ignored). */
                number: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderViewResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no order has that number. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_orders_number_shipment: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path: {
                /** @description The order number, e.g. SP-7K3M9Q (any case; spaces are ignored). */
                number: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShipmentRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderViewResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error` (carrier or tracking number). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no order has that number. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_paid`: only a paid order ships; `already_shipped`. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_orders_number_notes: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path: {
                /** @description The order number, e.g. SP-7K3M9Q (any case; spaces are ignored). */
                number: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NoteRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderViewResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error` (empty, or over 500 characters). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no order has that number. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_orders_number_resolve: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path: {
                /** @description The order number, e.g. SP-7K3M9Q (any case; spaces are ignored). */
                number: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResolveRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderViewResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error` (see `details`), or a rule of this operation. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no order has that number. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_under_review`; `insufficient_stock` (accepting it needs copies that are gone: `details.items`; refund it instead); `wrong_gateway` (paid through another gateway than this server runs). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_admin_stock: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockListResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    put_api_admin_stock_book_id: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path: {
                /** @description The title's id (its slug), e.g. the-dream-machine. */
                book_id: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShelfCountRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockRowResponse"];
                };
            };
            /** @description `invalid_json` or `validation_error`: `onShelf` is not a whole number from 0, or `reason` is missing, blank or over 200 characters. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no title has that id. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    put_api_admin_stock_book_id_threshold: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path: {
                /** @description The title's id (its slug), e.g. the-dream-machine. */
                book_id: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ThresholdRequest"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockRowResponse"];
                };
            };
            /** @description `invalid_json` or `validation_error`: `lowStockThreshold` is not null or a whole number from 0. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no title has that id. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_api_admin_orders_number_refunds: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The order number, e.g. SP-7K3M9Q (any case; spaces ignored). */
                number: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefundsResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no order has that number. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_api_admin_orders_number_refunds: {
        parameters: {
            query?: never;
            header: {
                /** @description The session's `csrfToken` (from POST or GET /api/admin/session). */
                "X-CSRF-Token": string;
            };
            path: {
                /** @description The order number, e.g. SP-7K3M9Q (any case; spaces ignored). */
                number: string;
            };
            cookie: {
                /** @description The session id set at sign-in (Secure, HttpOnly, SameSite=Strict): the browser sends it by itself. */
                "__Host-owner_session": string;
            };
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefundRequest"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefundCreatedResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error`, `empty_refund` (no lines, no shipping and no amount), `unknown_line` (`details.bookIds`: books the order does not have), `invalid_amount` (what was asked for comes to nothing: free shipping alone). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_signed_in`: no session cookie, or its session has ended (30 minutes idle, 12 hours after sign-in, signed out, or the owner was reset). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `origin_not_allowed`: the Origin header is not one of the shop's own. Or `csrf_failed`: X-CSRF-Token is not the session's `csrfToken`. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no order has that number. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `order_not_refundable` (not paid or partially refunded: pending, under review, refunding, refunded...), `wrong_gateway` (paid through the other gateway), `refund_exceeds_quantity` (more copies than are left to refund; `details`), `shipping_already_refunded`, `refund_exceeds_payment` (the refunds together would pass what was paid; `details.refundable`). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_demo_confirmation_tokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConfirmationTokenBody"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DemoConfirmationTokenResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error` (exactly one method; a bank redirect needs a return_url), or `invalid_return_url`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_demo_payment_intents_intent_id: {
        parameters: {
            query: {
                /** @description The PaymentIntent's client secret; a wrong one gets the same 404. */
                client_secret: string;
            };
            header?: never;
            path: {
                /** @description The demo PaymentIntent's id, pi_demo_... */
                intent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DemoPaymentIntentResponse"];
                };
            };
            /** @description `not_found`: no such resource (or a client secret that does not match it). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_demo_payment_intents_intent_id_confirm: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The demo PaymentIntent's id, pi_demo_... */
                intent_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConfirmBody"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DemoPaymentIntentResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error`, or `payment_intent_unexpected_state` (this step is not allowed in the PaymentIntent's status). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no such resource (or a client secret that does not match it). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_demo_payment_intents_intent_id_authenticate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The demo PaymentIntent's id, pi_demo_... */
                intent_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AuthenticateBody"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DemoPaymentIntentResponse"];
                };
            };
            /** @description `invalid_json`, `validation_error`, or `payment_intent_unexpected_state` (this step is not allowed in the PaymentIntent's status). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no such resource (or a client secret that does not match it). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `payload_too_large`: the body is over the size limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `unsupported_media_type`: the body is not application/json. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    get_demo_bank_intent_id: {
        parameters: {
            query: {
                /** @description The PaymentIntent's client secret; a wrong one gets the same 404. */
                client_secret: string;
            };
            header?: never;
            path: {
                /** @description The demo PaymentIntent's id, pi_demo_... */
                intent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            /** @description `not_found`: no such resource (or a client secret that does not match it). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    post_demo_bank_intent_id: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The demo PaymentIntent's id, pi_demo_... */
                intent_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/x-www-form-urlencoded": components["schemas"]["BankDecision"];
            };
        };
        responses: {
            /** @description See Other: back to the shop's return_url. */
            303: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `validation_error`, or `payment_intent_unexpected_state` (not waiting for approval). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
            /** @description `not_found`: no such resource (or a client secret that does not match it). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
