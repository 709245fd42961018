-- Statistics (Art. 21, 33): rollups that a job rebuilds from the records, so the public
-- statistics read a few thousand precomputed rows whatever the number of complaints; and the
-- monthly quality index, kept as history. Formulas: docs/statistics.md.

-- +goose Up
-- The merchant's time to answer a complaint (complaints.deadlines loses respond_by once the
-- deadline is stopped): kept from the first time the deadline is set, for "answers on time".
ALTER TABLE complaints ADD COLUMN respond_due timestamptz;

-- +goose StatementBegin
CREATE FUNCTION complaints_keep_respond_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.respond_due IS NULL AND NEW.deadlines ? 'respond_by' THEN
        NEW.respond_due := (NEW.deadlines ->> 'respond_by')::timestamptz;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER complaints_respond_due BEFORE INSERT OR UPDATE OF deadlines ON complaints
    FOR EACH ROW EXECUTE FUNCTION complaints_keep_respond_due();

-- Complaints filed before this migration whose deadline is already gone: ten working days are
-- two calendar weeks.
UPDATE complaints SET respond_due = COALESCE((deadlines ->> 'respond_by')::timestamptz, created_at + interval '14 days');

-- Counts by jurisdiction ('*' is the whole zone, '' records without one), month (the first day,
-- in Asia/Shanghai) and what is counted: topic and key (models/stats.go lists them). n is the
-- count, m a second count of the same rows (non-conformant, answered on time, overdue).
CREATE TABLE stats_facts (
    jurisdiction text NOT NULL,
    month        date NOT NULL,
    topic        text NOT NULL,
    key          text NOT NULL,
    n            bigint NOT NULL,
    m            bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (jurisdiction, month, topic, key)
);
-- Every district's totals at once (topic 'totals'), for the table by district.
CREATE INDEX stats_facts_topic_idx ON stats_facts (topic, month) INCLUDE (jurisdiction, key, n, m);

-- Handling times as histograms: each stage's durations fall into buckets growing by 10 %
-- (bucket = floor(ln(seconds) / ln 1.1)), with their count, their sum (the median is the mean of
-- the bucket holding it) and how many ended within the stage's deadline.
CREATE TABLE stats_durations (
    jurisdiction text NOT NULL,
    month        date NOT NULL,              -- when the stage ended
    kind         text NOT NULL,
    stage        text NOT NULL,
    bucket       smallint NOT NULL,
    n            bigint NOT NULL,
    seconds      double precision NOT NULL,
    within       bigint NOT NULL,
    PRIMARY KEY (jurisdiction, month, kind, stage, bucket)
);

-- The same summed over all months: what the statistics without a month range read.
CREATE TABLE stats_durations_all (
    jurisdiction text NOT NULL,
    kind         text NOT NULL,
    stage        text NOT NULL,
    bucket       smallint NOT NULL,
    n            bigint NOT NULL,
    seconds      double precision NOT NULL,
    within       bigint NOT NULL,
    PRIMARY KEY (jurisdiction, kind, stage, bucket)
);

-- The stages measured at the last refresh and their deadlines, in the order shown.
CREATE TABLE stats_stages (
    position         integer PRIMARY KEY,
    kind             text NOT NULL,
    stage            text NOT NULL,
    deadline_seconds double precision,
    UNIQUE (kind, stage)
);

-- When the rollups were last rebuilt, and how long it took.
CREATE TABLE stats_refreshes (
    id           integer PRIMARY KEY CHECK (id = 1),
    refreshed_at timestamptz NOT NULL,
    took_ms      integer NOT NULL
);

-- The monthly composite quality index of the zone and of each district, as computed at the time.
CREATE TABLE stats_quality_index (
    jurisdiction     text NOT NULL,
    month            date NOT NULL,
    value            double precision NOT NULL,
    complaint_rate   double precision NOT NULL,  -- c: share of complaints that reached the office
    non_conformance  double precision NOT NULL,  -- n: share of inspections non-conformant
    overdue_measures double precision NOT NULL,  -- o: share of measures due that went overdue
    on_time_answers  double precision NOT NULL,  -- a: share of merchant answers on time
    computed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (jurisdiction, month)
);

INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4) VALUES
    ('p', 'public', '*', 'stats', 'read', '*');

-- +goose Down
DELETE FROM casbin_rule WHERE v2 = 'stats';
DROP TABLE stats_quality_index;
DROP TABLE stats_refreshes;
DROP TABLE stats_stages;
DROP TABLE stats_durations_all;
DROP TABLE stats_durations;
DROP TABLE stats_facts;
DROP TRIGGER complaints_respond_due ON complaints;
DROP FUNCTION complaints_keep_respond_due();
ALTER TABLE complaints DROP COLUMN respond_due;
