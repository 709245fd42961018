package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/hzcbec/portal/models"
)

// LoadAuditKey is the key that signs the audit log's checkpoints: PORTAL_AUDIT_KEY, else the one
// kept in the data folder (audit-signing.key). It never goes into the database: a checkpoint
// signed with it pins the log against whoever can write there. A key is made only for a log that
// has no checkpoint yet (signed) — one signed with a key that is now lost or elsewhere would
// otherwise fail every verification from then on.
func LoadAuditKey(cfg Config, signed func() (bool, error)) (*models.AuditKey, error) {
	if cfg.AuditKey != "" {
		return models.NewAuditKey(cfg.AuditKey)
	}
	path := filepath.Join(cfg.DataDir, "audit-signing.key")
	if skey, err := os.ReadFile(path); err == nil {
		return models.NewAuditKey(string(skey))
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the audit signing key %s: %w", path, err)
	}
	if has, err := signed(); err != nil {
		return nil, err
	} else if has {
		return nil, fmt.Errorf("the audit log of this database is signed with a key that is not in %s: "+
			"set PORTAL_AUDIT_KEY to it, or put its file back", path)
	}
	generated, err := models.GenerateAuditKey()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, err
	}
	// Written aside, then linked into place: of two portals starting together on one folder, the
	// second finds the first's whole file (and uses it) instead of half of it.
	tmp, err := os.CreateTemp(cfg.DataDir, ".audit-signing.key-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(generated + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err != nil {
		return nil, fmt.Errorf("keeping the audit signing key in %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("keeping the audit signing key in %s: %w", path, err)
	}
	skey, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return models.NewAuditKey(string(skey))
}
