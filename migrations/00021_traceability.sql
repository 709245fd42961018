-- Traceability (网上发现、源头追溯、属地查处): products and batches, online discoveries (listings),
-- cross-border declarations (清单) with their lines, shipments, and trace events modelled on
-- GS1 EPCIS 2.0 (captured through the API or as EPCIS JSON-LD, whose original is kept).

-- +goose Up
CREATE TABLE products (
    id             text PRIMARY KEY,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    name_en        text NOT NULL DEFAULT '',
    brand          text NOT NULL CHECK (length(brand) BETWEEN 1 AND 200),
    model          text NOT NULL DEFAULT '',
    gtin           char(14) CHECK (gtin ~ '^[0-9]{14}$'),   -- GTIN-8/12/13/14, stored as 14 digits
    hs_code        varchar(10) CHECK (hs_code ~ '^[0-9]{6,10}$'),
    category       text NOT NULL,
    origin_country char(2) NOT NULL CHECK (origin_country ~ '^[A-Z]{2}$'),
    manufacturer_id text REFERENCES parties (id),
    created_by     text REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX products_gtin_key ON products (gtin) WHERE gtin IS NOT NULL;
CREATE INDEX products_brand_model_idx ON products (lower(brand), lower(model));

CREATE TABLE batches (
    id          text PRIMARY KEY,
    product_id  text NOT NULL REFERENCES products (id),
    lot         text NOT NULL CHECK (length(lot) BETWEEN 1 AND 100),
    produced_on date,
    expires_on  date,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (product_id, lot),
    CHECK (expires_on IS NULL OR produced_on IS NULL OR expires_on >= produced_on)
);

-- An online discovery: a listing on a platform by a merchant, as an inspector found it.
CREATE TABLE listings (
    id            text PRIMARY KEY,
    platform_id   text NOT NULL REFERENCES parties (id),
    merchant_id   text NOT NULL REFERENCES parties (id),
    url           text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    price         numeric(14, 2) NOT NULL CHECK (price >= 0),
    currency      char(3) NOT NULL,
    product_id    text REFERENCES products (id),
    gtins         text[] NOT NULL DEFAULT '{}',   -- 14-digit GTINs seen on the page
    discovered_at timestamptz NOT NULL,
    discovered_by text REFERENCES users (id),
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'delisted')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX listings_product_idx ON listings (product_id);
CREATE INDEX listings_merchant_idx ON listings (merchant_id);
CREATE INDEX listings_gtins_idx ON listings USING gin (gtins);

-- The cross-border e-commerce inventory (清单) and its lines.
CREATE TABLE declarations (
    id           text PRIMARY KEY,
    number       text NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 64),  -- inventory no.
    order_no     text NOT NULL,
    payment_no   text NOT NULL DEFAULT '',
    logistics_no text NOT NULL,          -- waybill
    trade_mode   text NOT NULL CHECK (trade_mode IN ('9610', '1210', '9710', '9810')),
    importer_id  text NOT NULL REFERENCES parties (id),
    ebc_id       text REFERENCES parties (id),   -- the e-commerce company (merchant)
    ebp_id       text REFERENCES parties (id),   -- the e-commerce platform
    customs_code text NOT NULL DEFAULT '',
    port_code    text NOT NULL DEFAULT '',
    declared_at  timestamptz NOT NULL,
    created_by   text REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX declarations_ebc_idx ON declarations (ebc_id, declared_at DESC);
CREATE INDEX declarations_logistics_idx ON declarations (logistics_no);

CREATE TABLE declaration_lines (
    declaration_id text NOT NULL REFERENCES declarations (id) ON DELETE CASCADE,
    line_no        integer NOT NULL,
    product_id     text REFERENCES products (id),
    hs_code        varchar(10) NOT NULL CHECK (hs_code ~ '^[0-9]{6,10}$'),
    name           text NOT NULL,
    model          text NOT NULL DEFAULT '',
    barcode        text NOT NULL DEFAULT '',    -- a GTIN when there is one, 14 digits
    origin_country char(2) NOT NULL,
    quantity       numeric(14, 3) NOT NULL CHECK (quantity > 0),
    unit           text NOT NULL,
    price          numeric(14, 2) NOT NULL CHECK (price >= 0),
    currency       char(3) NOT NULL,
    PRIMARY KEY (declaration_id, line_no)
);
CREATE INDEX declaration_lines_product_idx ON declaration_lines (product_id);
CREATE INDEX declaration_lines_barcode_idx ON declaration_lines (barcode) WHERE barcode <> '';

CREATE TABLE shipments (
    id             text PRIMARY KEY,
    declaration_id text REFERENCES declarations (id),
    carrier_id     text REFERENCES parties (id),
    waybill        text NOT NULL,
    status         text NOT NULL DEFAULT 'in_transit' CHECK (status IN ('booked', 'in_transit', 'arrived', 'released', 'delivered', 'returned')),
    from_party_id  text REFERENCES parties (id),
    to_party_id    text REFERENCES parties (id),   -- e.g. the bonded warehouse
    shipped_at     timestamptz,
    arrived_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipments_declaration_idx ON shipments (declaration_id);
CREATE INDEX shipments_waybill_idx ON shipments (waybill);

-- Trace events, EPCIS 2.0 shaped. event_id is the EPCIS eventID (a URI) or one we made.
CREATE TABLE trace_events (
    id              bigserial PRIMARY KEY,
    event_id        text NOT NULL UNIQUE,
    type            text NOT NULL CHECK (type IN ('object', 'aggregation', 'transformation', 'transaction', 'association')),
    action          text CHECK (action IN ('ADD', 'OBSERVE', 'DELETE')),
    event_time      timestamptz NOT NULL,
    event_time_zone text NOT NULL DEFAULT '+00:00',
    record_time     timestamptz NOT NULL DEFAULT now(),
    biz_step        text,
    disposition     text,
    read_point      text,
    biz_location    text,
    product_id      text REFERENCES products (id),
    batch_id        text REFERENCES batches (id),
    epcs            text[] NOT NULL DEFAULT '{}',   -- EPCs / class ids of what the event is about
    quantity        numeric(14, 3),
    uom             text,
    from_party_id   text REFERENCES parties (id),
    to_party_id     text REFERENCES parties (id),
    party_id        text REFERENCES parties (id),
    documents       jsonb NOT NULL DEFAULT '[]',    -- business transactions: [{type, number}]
    sensor          jsonb,
    source          text NOT NULL CHECK (source IN ('api', 'epcis')),
    original        jsonb,                          -- the event's JSON-LD as captured
    captured_by     text REFERENCES users (id)
);
CREATE INDEX trace_events_product_time_idx ON trace_events (product_id, event_time) WHERE product_id IS NOT NULL;
CREATE INDEX trace_events_batch_time_idx ON trace_events (batch_id, event_time) WHERE batch_id IS NOT NULL;
CREATE INDEX trace_events_epcs_idx ON trace_events USING gin (epcs);
CREATE INDEX trace_events_documents_idx ON trace_events USING gin (documents jsonb_path_ops);
CREATE INDEX trace_events_time_idx ON trace_events (event_time);
CREATE INDEX trace_events_biz_step_idx ON trace_events (biz_step, event_time);

-- Inspectors and the zone office write trace data and read it; nobody else writes it.
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4)
SELECT 'p', role, '*', kind, act, '*'
FROM unnest(ARRAY['inspector', 'admin']) AS role,
     unnest(ARRAY['party', 'product', 'listing', 'declaration', 'shipment', 'trace_event', 'epcis', 'trace']) AS kind,
     unnest(ARRAY['create', 'read']) AS act;

-- +goose Down
DELETE FROM casbin_rule WHERE v2 IN ('party', 'product', 'listing', 'declaration', 'shipment', 'trace_event', 'epcis', 'trace');
DROP TABLE trace_events;
DROP TABLE shipments;
DROP TABLE declaration_lines;
DROP TABLE declarations;
DROP TABLE listings;
DROP TABLE batches;
DROP TABLE products;
