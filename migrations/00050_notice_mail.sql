-- Notices by e-mail (docs/notices.md). Every notice a workflow step writes gets a River job
-- (notice_mail, queue 'mail') in the step's own statement (models/step_sql.go), which sends it
-- to the addresses of those it reaches: users who did not turn e-mail off, and the contact
-- address of a party.
--
-- notice_mails keeps each (notice, address) a mail went to, so a job retried after some of its
-- mails went (the server fell over half-way) sends only the rest. The portal's role only adds to
-- it: like every table since 00044 it gets portal_app's default grants, cut back here to
-- reading and inserting.

-- +goose Up
ALTER TABLE users ADD COLUMN email_notices boolean NOT NULL DEFAULT true;
ALTER TABLE parties ADD COLUMN contact_email text CHECK (length(contact_email) BETWEEN 3 AND 254);

CREATE TABLE notice_mails (
    notification_id bigint NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    address         text NOT NULL,          -- lower case: one mail per address, however it is spelt
    sent_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (notification_id, address)
);
REVOKE UPDATE, DELETE, TRUNCATE ON notice_mails FROM portal_app;

-- Everyone signed in sets their own notices; the admin reads and sets a party's contact address.
INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'user', '*', 'account', 'update', '*'),
    ('p', 'admin', '*', 'party_contact', 'read', '*'),
    ('p', 'admin', '*', 'party_contact', 'update', '*')
ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM casbin_rule WHERE ptype = 'p' AND ((v2 = 'account' AND v3 = 'update') OR v2 = 'party_contact');
DROP TABLE notice_mails;
ALTER TABLE parties DROP COLUMN contact_email;
ALTER TABLE users DROP COLUMN email_notices;
