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

// ViewerOf is what a caller may see, from the same facts the workflows derive their relations
// from (workflows/complaints.go, claims.go, cases.go): their id (complainant, claimant), their
// party with the role that makes them its staff (respondent merchant, platform operator), their
// jurisdiction as an inspector, and their roles (admin, arbitrator); plus the kinds the policy
// lets their roles read as a whole. A nil user is the public: public documents only.
func ViewerOf(u *models.User, policy *models.Policy) models.SearchViewer {
	var v models.SearchViewer
	roles, dom := []string{"public"}, "-"
	if u != nil {
		roles = u.Roles
		if u.Jurisdiction != nil {
			dom = *u.Jurisdiction
		}
		v.UserIDs = []string{u.ID}
		if u.PartyID != nil {
			if u.Roles.Has(models.RoleMerchant) {
				v.PartyAccess = append(v.PartyAccess, "merchant:"+*u.PartyID)
			}
			if u.Roles.Has(models.RolePlatform) {
				v.PartyAccess = append(v.PartyAccess, "platform:"+*u.PartyID)
			}
		}
		if u.Jurisdiction != nil && u.Roles.Has(models.RoleInspector) {
			v.Jurisdictions = []string{*u.Jurisdiction}
		}
		v.Roles = append([]string(nil), u.Roles...)
	}
	for _, t := range models.SearchTypes {
		if kind := wholesale[t]; kind != "" && policy != nil && policy.Allowed(roles, dom, kind, "read", "-") {
			v.Kinds = append(v.Kinds, t)
		}
	}
	return v
}

// accessFilter is the Meilisearch filter of what v may see: public documents, documents of the
// kinds v reads as a whole, and documents that name v's id, party, jurisdiction or role.
func accessFilter(v models.SearchViewer) string {
	ors := []string{"public = true"}
	for _, c := range []struct {
		attr   string
		values []string
	}{{"type", v.Kinds}, {"user_ids", v.UserIDs}, {"party_access", v.PartyAccess}, {"jurisdictions", v.Jurisdictions}, {"roles", v.Roles}} {
		if len(c.values) > 0 {
			ors = append(ors, c.attr+" IN "+list(c.values))
		}
	}
	return "(" + strings.Join(ors, " OR ") + ")"
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
