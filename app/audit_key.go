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
// kept in the data folder (audit-signing.key), made the first time. It never goes into the
// database: a checkpoint signed with it pins the log against whoever can write there.
func LoadAuditKey(cfg Config) (*models.AuditKey, error) {
	if cfg.AuditKey != "" {
		return models.NewAuditKey(cfg.AuditKey)
	}
	path := filepath.Join(cfg.DataDir, "audit-signing.key")
	skey, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		generated, err := models.GenerateAuditKey()
		if err != nil {
			return nil, err
		}
		if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
			return nil, err
		}
		// O_EXCL: of two portals starting together on one folder, the second reads the first's key.
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = f.WriteString(generated + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, fmt.Errorf("keeping the audit signing key in %s: %w", path, err)
			}
			return models.NewAuditKey(generated)
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		skey, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the audit signing key %s: %w", path, err)
	}
	return models.NewAuditKey(string(skey))
}
