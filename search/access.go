package search

import (
	"strings"

	"github.com/hzcbec/portal/models"
)

// wholesale are the document types whose records anyone the access policy lets read the kind
// may open, each with the policy's object kind: inspectors and admins read every product,
// listing, inspection and alert. The other types are opened by relation (complaints, claims,
// cases) or are public (rulings, public alerts).
var wholesale = map[string]string{"product": "product", "listing": "listing", "inspection": "inspection", "alert": "alert"}

// ViewerOf is what a caller may see, from the live policy: the types their roles read as a
// whole, and of the workflow kinds what the relations they hold may read (Policy.Readable, the
// same answer that lists and opening a record use). A nil user is the public: public documents only.
func ViewerOf(u *models.User, policy *models.Policy) models.SearchViewer {
	var v models.SearchViewer
	if policy == nil {
		return v
	}
	for _, t := range models.SearchTypes {
		if kind := wholesale[t]; kind != "" && policy.MayAs(u, kind, "read") {
			v.Kinds = append(v.Kinds, t)
		}
		if a := policy.Readable(t, u); len(a.Clauses) > 0 {
			v.Reads = append(v.Reads, a)
		}
	}
	return v
}

// accessFilter is the Meilisearch filter of what v may see: public documents, documents of the
// types v reads as a whole, and per relation v holds, the documents of its kind that carry its
// access term in the states and jurisdictions the policy lets it read. A policy edit changes
// the filter, never the documents.
func accessFilter(v models.SearchViewer) string {
	ors := []string{"public = true"}
	if len(v.Kinds) > 0 {
		ors = append(ors, "type IN "+list(v.Kinds))
	}
	for _, a := range v.Reads {
		for _, c := range a.Clauses {
			ors = append(ors, "(type = "+quote(a.Object)+" AND access = "+quote(c.Term())+scopeFilter(c.Scope)+")")
		}
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// scopeFilter is " AND" the states and jurisdictions of a scope, or nothing for any.
func scopeFilter(s models.Scope) string {
	var ors []string
	for _, c := range s {
		var ands []string
		if c.State != "*" {
			ands = append(ands, "status = "+quote(c.State))
		}
		if c.Jurisdiction != "*" {
			ands = append(ands, "jurisdiction = "+quote(c.Jurisdiction))
		}
		if len(ands) == 0 {
			return ""
		}
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return " AND (" + strings.Join(ors, " OR ") + ")"
}

// list writes values as a Meilisearch filter array of quoted strings.
func list(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = quote(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func quote(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}
