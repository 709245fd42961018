package search

import "github.com/hzcbec/portal/models"

// AccessFilter is the Meilisearch filter Search adds for v, for benchmarks that send the same
// query straight to Meilisearch.
func AccessFilter(v models.SearchViewer) string { return accessFilter(v) }
