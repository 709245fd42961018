package commands

import (
	"context"
	"fmt"

	"github.com/hzcbec/portal/app"
)

// auditVerify is `portal audit verify`: the audit trail's hash chain and signed checkpoints
// walked, failing at the first broken record.
func auditVerify(ctx context.Context, cfg app.Config) error {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	v, err := store.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if !v.Verified {
		at := "its end"
		if v.FirstBroken != nil {
			at = fmt.Sprintf("record %d", *v.FirstBroken)
		}
		return fmt.Errorf("audit trail broken at %s (%s; %d records read, %d checkpoints checked)", at, v.Problem, v.Records, v.Checkpoints)
	}
	fmt.Printf("audit trail verified: %d records, chain intact, %d signed checkpoints agree\n", v.Records, v.Checkpoints)
	return nil
}
