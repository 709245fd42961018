package models

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
)

// Codes of the two upload refusals HTTP has statuses of its own for (413, 415). They are not in
// app's status table: the upload handler turns them into those statuses.
const (
	ETOOLARGE    = "too_large"
	EUNSUPPORTED = "unsupported_media_type"
)

// Evidence is a file uploaded to a workflow record: a photo of the goods, an invoice, a test
// report. The bytes live on disk under their SHA-256; the row says what they are and whose.
type Evidence struct {
	ID          string    `json:"id"`
	Kind        string    `json:"-"`
	RecordID    string    `json:"-"`
	UploadedBy  string    `json:"uploaded_by"`
	Relation    string    `json:"relation"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	SHA256      Hash      `json:"sha256" gorm:"column:sha256"`
	StoragePath string    `json:"-"` // relative to the evidence folder
	CreatedAt   time.Time `json:"created_at"`
}

// TableName is the evidence table.
func (Evidence) TableName() string { return "evidence" }

// evidenceTypes are the kinds of file accepted as evidence, each with the magic number its
// bytes must begin with: what the file is, whatever its name or declared type say.
var evidenceTypes = []struct {
	contentType string
	ext         string
	is          func(b []byte) bool
}{
	{"image/jpeg", ".jpg", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}) }},
	{"image/png", ".png", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }},
	{"image/webp", ".webp", func(b []byte) bool {
		return len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WEBP"))
	}},
	{"application/pdf", ".pdf", func(b []byte) bool { return bytes.HasPrefix(b, []byte("%PDF-")) }},
}

// EvidenceContentType tells what a file is by its bytes: one of the accepted types when both
// Go's content sniffing and the type's magic number agree, else EUNSUPPORTED.
func EvidenceContentType(b []byte) (string, error) {
	sniffed, _, _ := strings.Cut(http.DetectContentType(b), ";")
	for _, t := range evidenceTypes {
		if t.contentType == sniffed && t.is(b) {
			return t.contentType, nil
		}
	}
	return "", Errorf(EUNSUPPORTED, "evidence_type")
}

// maxNameRunes bounds a stored file name (the column allows 255 characters).
const maxNameRunes = 200

// SanitizeFileName keeps what is safe to show and to offer back as a download name: the last
// path element, without control, formatting (e.g. right-to-left override) or reserved
// characters, at most 200 characters, never empty.
func SanitizeFileName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		switch {
		case r == unicode.ReplacementChar, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		case strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if r := []rune(name); len(r) > maxNameRunes {
		ext := path.Ext(name)
		if len([]rune(ext)) > 16 {
			ext = ""
		}
		name = string(r[:maxNameRunes-len([]rune(ext))]) + ext
	}
	if name == "" {
		name = "evidence"
		for _, t := range evidenceTypes {
			if t.contentType == contentType {
				name += t.ext
			}
		}
	}
	return name
}

// AddEvidence stores an uploaded file's row in one statement with its timeline step
// ("evidence", the status unchanged), its audit record and the notices. The file must already
// be on disk: a row never points at nothing.
func (s *Store) AddEvidence(ctx context.Context, at Attachment, ev *Evidence) error {
	ev.ID = newID()
	ev.Kind, ev.RecordID, ev.UploadedBy, ev.Relation = at.Kind, at.RecordID, at.Actor.UserID, at.Relation
	ev.CreatedAt = s.stamp()
	return s.attach(ctx, at, "evidence", "evidence", []string{"id", "kind", "record_id", "uploaded_by", "relation", "name",
		"size", "content_type", "sha256", "storage_path", "created_at"},
		[]any{ev.ID, ev.Kind, ev.RecordID, ev.UploadedBy, ev.Relation, ev.Name, ev.Size, ev.ContentType, ev.SHA256,
			ev.StoragePath, ev.CreatedAt},
		map[string]any{"id": ev.ID, "name": ev.Name, "sha256": hex.EncodeToString(ev.SHA256)})
}

// EvidenceByID loads one evidence row.
func (s *Store) EvidenceByID(ctx context.Context, id string) (*Evidence, error) {
	var ev Evidence
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&ev)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	return &ev, nil
}

// ListEvidence pages through a record's evidence, oldest first.
func (s *Store) ListEvidence(ctx context.Context, kind, recordID string, page Page) ([]Evidence, *string, error) {
	q := s.db.WithContext(ctx).Where("kind = ? AND record_id = ?", kind, recordID).Order("id").Limit(page.Limit + 1)
	if page.Cursor != "" {
		q = q.Where("id > ?", page.Cursor)
	}
	var out []Evidence
	if err := q.Find(&out).Error; err != nil {
		return nil, nil, err
	}
	return pageOf(out, page.Limit, func(e Evidence) string { return e.ID })
}
