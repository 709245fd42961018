-- Search (Meilisearch, with Postgres as the truth and its fallback).
--
-- The outbox: every insert, update or delete of a searchable record enqueues a River job
-- (kind search_index, args {"type", "id"}) in the same transaction, from a trigger, so no write
-- path has to remember the index and a rolled-back write enqueues nothing. The worker
-- (search/worker.go) reads the record again and upserts or deletes its documents; River's
-- producer polls for new jobs, so no NOTIFY is needed.
--
-- The fallback: trigram indexes on each table's own searchable text, the same expressions as
-- models/search.go's searchText, so ILIKE '%term%' (Chinese too: C.UTF-8 makes trigrams of
-- any character) is an index scan while Meilisearch is away.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- text[] joined by spaces, declared immutable (array_to_string is only stable) so the text
-- expressions below can be indexed.
CREATE FUNCTION search_join(text[]) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce(array_to_string($1, ' '), '');

-- The names, standards and verdicts of an inspection's test items, as one text.
CREATE FUNCTION search_items(jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN coalesce((SELECT string_agg(concat_ws(' ', e ->> 'name', e ->> 'standard', e ->> 'verdict'), ' ')
                     FROM jsonb_array_elements(CASE WHEN jsonb_typeof($1) = 'array' THEN $1 ELSE '[]' END) AS e), '');

-- +goose StatementBegin
-- search_enqueue adds one indexing job, once per record and transaction: a second change of the
-- same record in the same transaction finds the job it already added (xmin is this transaction,
-- so no worker can have taken it yet) and adds nothing.
CREATE FUNCTION search_enqueue(record_type text, record_id text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    payload jsonb := jsonb_build_object('type', record_type, 'id', record_id);
BEGIN
    IF record_id IS NULL THEN
        RETURN;
    END IF;
    IF EXISTS (SELECT 1 FROM river_job
               WHERE kind = 'search_index' AND args @> payload AND state = 'available'
                 AND xmin = pg_current_xact_id()::xid) THEN
        RETURN;
    END IF;
    INSERT INTO river_job (args, kind, max_attempts, priority, queue, state, scheduled_at, metadata, tags)
    VALUES (payload, 'search_index', 25, 2, 'default', 'available', now(), '{}', '{}');
END;
$$;

-- search_row_changed is the trigger of every searchable table; TG_ARGV[0] is the record type.
CREATE FUNCTION search_row_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM search_enqueue(TG_ARGV[0], OLD.id);
    ELSE
        PERFORM search_enqueue(TG_ARGV[0], NEW.id);
    END IF;
    RETURN NULL;
END;
$$;

-- A renamed party changes the documents that show its name (or, for listings, its district).
CREATE FUNCTION search_party_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue('complaint', id) FROM complaints WHERE respondent_id = NEW.id OR platform_id = NEW.id;
    PERFORM search_enqueue('claim', id) FROM claims WHERE respondent_id = NEW.id;
    PERFORM search_enqueue('case', id) FROM cases WHERE respondent_id = NEW.id;
    PERFORM search_enqueue('listing', id) FROM listings WHERE merchant_id = NEW.id OR platform_id = NEW.id;
    PERFORM search_enqueue('product', id) FROM products WHERE manufacturer_id = NEW.id;
    PERFORM search_enqueue('inspection', id) FROM inspections WHERE lab_id = NEW.id;
    RETURN NULL;
END;
$$;

-- A changed product changes the title and words of its inspections.
CREATE FUNCTION search_product_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue('inspection', id) FROM inspections WHERE product_id = NEW.id;
    RETURN NULL;
END;
$$;

-- A consumer's new name or e-mail changes what the anonymisation of their published rulings removes.
CREATE FUNCTION search_user_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_enqueue('case', id) FROM cases WHERE claimant_id = NEW.id AND published_at IS NOT NULL;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER search_index_products AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION search_row_changed('product');
CREATE TRIGGER search_index_listings AFTER INSERT OR UPDATE OR DELETE ON listings
    FOR EACH ROW EXECUTE FUNCTION search_row_changed('listing');
CREATE TRIGGER search_index_inspections AFTER INSERT OR UPDATE OR DELETE ON inspections
    FOR EACH ROW EXECUTE FUNCTION search_row_changed('inspection');
CREATE TRIGGER search_index_alerts AFTER INSERT OR UPDATE OR DELETE ON alerts
    FOR EACH ROW EXECUTE FUNCTION search_row_changed('alert');
CREATE TRIGGER search_index_complaints AFTER INSERT OR UPDATE OR DELETE ON complaints
    FOR EACH ROW EXECUTE FUNCTION search_row_changed('complaint');
CREATE TRIGGER search_index_claims AFTER INSERT OR UPDATE OR DELETE ON claims
    FOR EACH ROW EXECUTE FUNCTION search_row_changed('claim');
-- A case is also its published ruling: publishing and anonymising are updates of the row.
CREATE TRIGGER search_index_cases AFTER INSERT OR UPDATE OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION search_row_changed('case');
CREATE TRIGGER search_index_parties AFTER UPDATE ON parties
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.name_en IS DISTINCT FROM NEW.name_en
                       OR OLD.jurisdiction IS DISTINCT FROM NEW.jurisdiction)
    EXECUTE FUNCTION search_party_changed();
CREATE TRIGGER search_index_product_inspections AFTER UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION search_product_changed();
CREATE TRIGGER search_index_users AFTER UPDATE ON users
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION search_user_renamed();

-- The fallback's text, one expression per table (models/search.go, searchText, must match).
CREATE INDEX products_search_trgm ON products USING gin
    ((name || ' ' || name_en || ' ' || brand || ' ' || model || ' ' || coalesce(gtin::text, '') || ' ' || coalesce(hs_code::text, '')) gin_trgm_ops);
CREATE INDEX listings_search_trgm ON listings USING gin
    ((title || ' ' || url || ' ' || search_join(gtins)) gin_trgm_ops);
CREATE INDEX inspections_search_trgm ON inspections USING gin
    ((report_no || ' ' || search_items(items)) gin_trgm_ops);
CREATE INDEX alerts_search_trgm ON alerts USING gin
    ((number || ' ' || title || ' ' || description || ' ' || product || ' ' || brand || ' ' || model || ' '
      || search_join(hazards) || ' ' || search_join(gtins) || ' ' || source_ref) gin_trgm_ops);
CREATE INDEX complaints_search_trgm ON complaints USING gin
    ((number || ' ' || order_ref || ' ' || description || ' ' || request || ' ' || listing_url) gin_trgm_ops);
CREATE INDEX claims_search_trgm ON claims USING gin
    ((number || ' ' || order_ref || ' ' || reason) gin_trgm_ops);
CREATE INDEX cases_search_trgm ON cases USING gin
    ((number || ' ' || claim || ' ' || coalesce(award ->> 'reasoning', '')) gin_trgm_ops);

-- Anyone may search; each hit is one the caller may open (search/access.go).
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES ('p', 'public', '*', 'search', 'read', '*');

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND v0 = 'public' AND v2 = 'search';
DROP INDEX cases_search_trgm;
DROP INDEX claims_search_trgm;
DROP INDEX complaints_search_trgm;
DROP INDEX alerts_search_trgm;
DROP INDEX inspections_search_trgm;
DROP INDEX listings_search_trgm;
DROP INDEX products_search_trgm;
DROP TRIGGER search_index_users ON users;
DROP TRIGGER search_index_product_inspections ON products;
DROP TRIGGER search_index_parties ON parties;
DROP TRIGGER search_index_cases ON cases;
DROP TRIGGER search_index_claims ON claims;
DROP TRIGGER search_index_complaints ON complaints;
DROP TRIGGER search_index_alerts ON alerts;
DROP TRIGGER search_index_inspections ON inspections;
DROP TRIGGER search_index_listings ON listings;
DROP TRIGGER search_index_products ON products;
DROP FUNCTION search_user_renamed();
DROP FUNCTION search_product_changed();
DROP FUNCTION search_party_changed();
DROP FUNCTION search_row_changed();
DROP FUNCTION search_enqueue(text, text);
DROP FUNCTION search_items(jsonb);
DROP FUNCTION search_join(text[]);
