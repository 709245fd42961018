package workflows

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/hzcbec/portal/models"
)

// Messages and evidence: what the people on a record say to each other and the files they show,
// the same for every workflow kind. Posting needs the policy's "message" or "evidence" action
// for one of the caller's relations to the record, in its current state; reading needs only
// that the caller may open the record.

// DefaultEvidenceMaxBytes is the largest evidence file accepted unless configured: 10 MiB.
const DefaultEvidenceMaxBytes = 10 << 20

// MaxEvidenceBytes is the largest evidence file accepted.
func (e *Engine) MaxEvidenceBytes() int64 {
	if e.EvidenceMaxBytes > 0 {
		return e.EvidenceMaxBytes
	}
	return DefaultEvidenceMaxBytes
}

// otherSide is whom to tell of what the author added: the other side when the author is on
// one, both sides when the author is a third (the platform, the office).
func otherSide(wf *Workflow, rec Record, relation string) []models.Recipient {
	var out []models.Recipient
	for _, side := range wf.Sides {
		if side != relation {
			out = append(out, models.RecipientOf(wf.Object, side, rec))
		}
	}
	return out
}

// attachTo opens a record for a user who wants to add to it (ENOTFOUND when they may not see
// it) and checks that one of their relations may take act ("message", "evidence") in its
// current state (EFORBIDDEN if none may).
func (e *Engine) attachTo(ctx context.Context, u *models.User, kind, id, act string) (models.Attachment, error) {
	rec, rels, err := e.Open(ctx, u, kind, id)
	if err != nil {
		return models.Attachment{}, err
	}
	wf := e.flows[kind]
	st := rec.State()
	if !e.policy.Allowed(rels, st.Jurisdiction, wf.Object, act, st.Status) {
		return models.Attachment{}, models.Errorf(models.EFORBIDDEN, "forbidden")
	}
	relation := e.relationOf(wf, rels, st, act)
	return models.Attachment{Kind: kind, RecordID: rec.RecordID(), Actor: models.Actor{UserID: u.ID},
		Relation: relation, Status: st.Status, Notify: otherSide(e.flows[kind], rec, relation)}, nil
}

// CheckAttach says whether the user may add act ("message", "evidence") to the record, before
// the upload is read: ENOTFOUND when they may not see it, EFORBIDDEN when they may not add.
func (e *Engine) CheckAttach(ctx context.Context, u *models.User, kind, id, act string) error {
	_, err := e.attachTo(ctx, u, kind, id, act)
	return err
}

// PostMessage adds a message to a record: 404 if the user may not see it, 403 if they may not
// write on it, 422 if the body is empty or too long.
func (e *Engine) PostMessage(ctx context.Context, u *models.User, kind, id, body string) (*models.Message, error) {
	at, err := e.attachTo(ctx, u, kind, id, "message")
	if err != nil {
		return nil, err
	}
	in := models.NewMessage{Body: body}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return e.store.AddMessage(ctx, at, in.Body)
}

// Messages lists a record's messages, oldest first, to whoever may see the record.
func (e *Engine) Messages(ctx context.Context, u *models.User, kind, id string, page models.Page) ([]models.Message, *string, error) {
	rec, _, err := e.Open(ctx, u, kind, id)
	if err != nil {
		return nil, nil, err
	}
	return e.store.Messages(ctx, kind, rec.RecordID(), page)
}

// AddEvidence stores an uploaded file on a record: 404 if the user may not see it, 403 if they
// may not add to it, ETOOLARGE above the limit, EUNSUPPORTED when its bytes are not one of the
// accepted types (whatever its name says). name is the file name the client gave.
func (e *Engine) AddEvidence(ctx context.Context, u *models.User, kind, id, name string, data []byte) (*models.Evidence, error) {
	at, err := e.attachTo(ctx, u, kind, id, "evidence")
	if err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, models.Invalid(models.FieldError{Field: "file", Rule: "required"})
	}
	if int64(len(data)) > e.MaxEvidenceBytes() {
		return nil, models.Errorf(models.ETOOLARGE, "evidence_too_large")
	}
	contentType, err := models.EvidenceContentType(data)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	// The file first, then the row: a row never points at a missing file. When the row fails
	// the file stays behind unreferenced, which is harmless: it is stored under its own hash,
	// so it is the same file any later upload of these bytes would write.
	rel, err := e.storeEvidenceFile(sum, data)
	if err != nil {
		return nil, err
	}
	ev := &models.Evidence{Name: models.SanitizeFileName(name, contentType), Size: int64(len(data)),
		ContentType: contentType, SHA256: models.Hash(sum[:]), StoragePath: rel}
	if err := e.store.AddEvidence(ctx, at, ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// ListEvidence lists a record's evidence, oldest first, to whoever may see the record.
func (e *Engine) ListEvidence(ctx context.Context, u *models.User, kind, id string, page models.Page) ([]models.Evidence, *string, error) {
	rec, _, err := e.Open(ctx, u, kind, id)
	if err != nil {
		return nil, nil, err
	}
	return e.store.ListEvidence(ctx, kind, rec.RecordID(), page)
}

// Evidence returns an evidence file and what it is, to a user who may open its record (else
// ENOTFOUND). The bytes are hashed again first: a file that no longer matches the hash taken
// at upload is never served (EINTERNAL, and an error in the log: the storage was tampered with).
func (e *Engine) Evidence(ctx context.Context, u *models.User, evidenceID string) (*models.Evidence, []byte, error) {
	ev, err := e.store.EvidenceByID(ctx, evidenceID)
	if err != nil {
		return nil, nil, err
	}
	if err := e.mayRead(ctx, u, ev); err != nil {
		return nil, nil, err
	}
	unavailable := models.Errorf(models.EINTERNAL, "evidence_unavailable")
	if !filepath.IsLocal(filepath.FromSlash(ev.StoragePath)) || e.EvidenceDir == "" {
		slog.Error("evidence: bad storage path", "evidence_id", ev.ID, "path", ev.StoragePath)
		return nil, nil, unavailable
	}
	path := filepath.Join(e.EvidenceDir, filepath.FromSlash(ev.StoragePath))
	data, err := os.ReadFile(path)
	if err != nil {
		slog.Error("evidence: file unreadable", "evidence_id", ev.ID, "path", path, "err", err)
		return nil, nil, unavailable
	}
	if sum := sha256.Sum256(data); !bytes.Equal(sum[:], ev.SHA256) {
		slog.Error("evidence: file does not match its hash, storage tampered with", "evidence_id", ev.ID,
			"path", path, "want_sha256", hex.EncodeToString(ev.SHA256), "got_sha256", hex.EncodeToString(sum[:]))
		return nil, nil, unavailable
	}
	return ev, data, nil
}

// fileKinds are the records outside the workflows that keep files (a listing's snapshots, an
// inspection's report): who may read the record, by the policy's object kind, may read its files.
var fileKinds = map[string]string{"listings": "listing", "inspections": "inspection"}

// mayRead says whether the user may download a file: they may open its workflow record, or read
// its kind of record. Anyone else gets ENOTFOUND.
func (e *Engine) mayRead(ctx context.Context, u *models.User, ev *models.Evidence) error {
	if obj, ok := fileKinds[ev.Kind]; ok {
		if u != nil && e.policy.Allowed(u.Roles, "-", obj, "read", "-") {
			return nil
		}
		return models.Errorf(models.ENOTFOUND, "not_found")
	}
	_, _, err := e.Open(ctx, u, ev.Kind, ev.RecordID)
	return err
}

// storeEvidenceFile writes data under EvidenceDir/<first 2 hex>/<sha256 hex> and returns that
// path relative to EvidenceDir. It writes a temporary file in the same folder and renames it,
// so the name never holds half a file; writing bytes already there replaces them with the same.
func (e *Engine) storeEvidenceFile(sum [sha256.Size]byte, data []byte) (rel string, err error) {
	if e.EvidenceDir == "" {
		return "", errors.New("evidence: no folder configured (PORTAL_DATA_DIR)")
	}
	name := hex.EncodeToString(sum[:])
	dir := filepath.Join(e.EvidenceDir, name[:2])
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	if err = tmp.Chmod(0o640); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	if err = os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return "", fmt.Errorf("evidence: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename itself durable
		_ = d.Sync()
		_ = d.Close()
	}
	return name[:2] + "/" + name, nil
}
