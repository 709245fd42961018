-- The audit chain is linked by the database (issue 12): audit_link, a function of the tables'
-- owner, numbers and hashes the records waiting for the chain, exactly as models/audit.go
-- computeHash does (SHA-256 over the length-prefixed id, time in RFC 3339 with trailing zeros of
-- the fraction dropped, actor, action, object type and id, before, after and the previous hash).
-- The portal's role calls it; it no longer may UPDATE the audit table at all: it only inserts
-- and reads records.

-- +goose Up
-- +goose StatementBegin
CREATE FUNCTION audit_link(max_records integer) RETURNS TABLE (seq bigint, record_hash bytea)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    r record;
    prev bytea;
    n bigint;
    stamp text;
    fraction text;
    content bytea;
    part text;
BEGIN
    SELECT a.chain_seq, a.hash INTO n, prev FROM audit_records a WHERE a.chain_seq IS NOT NULL ORDER BY a.chain_seq DESC LIMIT 1;
    IF n IS NULL THEN
        n := 0;
        prev := decode(repeat('00', 32), 'hex');
    END IF;
    FOR r IN SELECT a.id, a.at, a.actor_id, a.action, a.object_type, a.object_id, a.before::text AS before, a.after::text AS after
             FROM audit_records a WHERE a.chain_seq IS NULL ORDER BY a.id LIMIT max_records LOOP
        n := n + 1;
        stamp := to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS');
        fraction := rtrim(to_char(r.at AT TIME ZONE 'UTC', 'US'), '0');
        IF fraction <> '' THEN
            stamp := stamp || '.' || fraction;
        END IF;
        stamp := stamp || 'Z';
        content := ''::bytea;
        FOREACH part IN ARRAY ARRAY[r.id::text, stamp, r.actor_id, r.action, r.object_type, r.object_id,
                                    coalesce(r.before, ''), coalesce(r.after, '')] LOOP
            content := content || convert_to(octet_length(convert_to(part, 'UTF8'))::text || ':', 'UTF8')
                               || convert_to(part, 'UTF8') || convert_to(';', 'UTF8');
        END LOOP;
        content := content || convert_to(octet_length(prev)::text || ':', 'UTF8') || prev || convert_to(';', 'UTF8');
        UPDATE audit_records SET chain_seq = n, prev_hash = prev, hash = sha256(content) WHERE id = r.id;
        prev := sha256(content);
        seq := n;
        record_hash := prev;
        RETURN NEXT;
    END LOOP;
END;
$$;
-- +goose StatementEnd
REVOKE ALL ON FUNCTION audit_link(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_link(integer) TO portal_app;
REVOKE UPDATE ON audit_records FROM portal_app;
REVOKE UPDATE (chain_seq, prev_hash, hash) ON audit_records FROM portal_app;

-- +goose Down
GRANT UPDATE (chain_seq, prev_hash, hash) ON audit_records TO portal_app;
DROP FUNCTION audit_link(integer);
