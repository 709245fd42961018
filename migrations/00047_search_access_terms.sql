-- Search documents of complaints, claims and cases carry their relations as access terms
-- ("respondent:<party>") in one attribute, access, instead of user_ids, party_access,
-- jurisdictions and roles: the live policy then decides at query time which relations read
-- which states (models/relations.go, search/access.go). Every such record is indexed again.

-- +goose Up
SELECT search_enqueue('complaint', id) FROM complaints;
SELECT search_enqueue('claim', id) FROM claims;
SELECT search_enqueue('case', id) FROM cases;

-- +goose Down
SELECT search_enqueue('complaint', id) FROM complaints;
SELECT search_enqueue('claim', id) FROM claims;
SELECT search_enqueue('case', id) FROM cases;
