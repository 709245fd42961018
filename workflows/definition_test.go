package workflows

import (
	"slices"
	"testing"

	"github.com/hzcbec/portal/models"
)

// Every relation a workflow names (its sides) is declared with its record's model, and each
// side of a dispute is told of what the other adds; a third party's addition reaches both.
func TestSidesAreDeclaredRelationsAndHearEachOther(t *testing.T) {
	for _, wf := range allWorkflows {
		for _, side := range wf.Sides {
			if !slices.ContainsFunc(models.Relations[wf.Object], func(r models.Relation) bool { return r.Name == side }) {
				t.Errorf("%s: side %s is no relation of a %s", wf.Kind, side, wf.Object)
			}
		}
	}
	user := func(id string) models.Recipient { return models.Recipient{Type: "user", ID: id} }
	party := func(id string) models.Recipient { return models.Recipient{Type: "party", ID: id} }
	office := func(id string) models.Recipient { return models.Recipient{Type: "jurisdiction", ID: id} }
	complaint := &models.Complaint{ComplainantID: "u1", RespondentID: "shop"}
	claim := &models.Claim{ClaimantID: "u2", RespondentID: "shop"}
	arbitration := &models.ArbitrationCase{ClaimantID: "u3", RespondentID: "shop"}
	measure := &models.Measure{TargetPartyID: "shop"}
	measure.Jurisdiction = "330106"
	for _, c := range []struct {
		wf       *Workflow
		rec      Record
		relation string
		want     []models.Recipient
	}{
		{complaintFlow, complaint, "complainant", []models.Recipient{party("shop")}},
		{complaintFlow, complaint, "respondent", []models.Recipient{user("u1")}},
		{complaintFlow, complaint, "platform_operator", []models.Recipient{user("u1"), party("shop")}},
		{claimFlow, claim, "claimant", []models.Recipient{party("shop")}},
		{claimFlow, claim, "respondent", []models.Recipient{user("u2")}},
		{caseFlow, arbitration, "respondent", []models.Recipient{user("u3")}},
		{caseFlow, arbitration, "secretary", []models.Recipient{user("u3"), party("shop")}},
		{measureFlow, measure, "target", []models.Recipient{office("330106")}},
		{measureFlow, measure, "jurisdiction_inspector", []models.Recipient{party("shop")}},
		{investigationFlow, &models.Investigation{}, "jurisdiction_inspector", nil},
	} {
		if got := otherSide(c.wf, c.rec, c.relation); !slices.Equal(got, c.want) {
			t.Errorf("%s by the %s tells %v, want %v", c.wf.Kind, c.relation, got, c.want)
		}
	}
}
