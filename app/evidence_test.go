package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hzcbec/portal/app"
	"github.com/hzcbec/portal/models"
)

// A minimal valid PDF: one empty page.
const minimalPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// pngBytes draws a small real PNG.
func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for x := 0; x < 8; x++ {
		img.Set(x, x, color.RGBA{R: 200, A: 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts a multipart body with data in the field "file", declared as declaredType.
func (ts *testServer) upload(t *testing.T, id, token, name, declaredType string, data []byte, headers ...string) response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename="%s"`, name))
	h.Set("Content-Type", declaredType)
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := part.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest("POST", ts.URL+"/api/v1/complaints/"+id+"/evidence", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return ts.send(t, req)
}

// otherConsumer signs up a consumer who has nothing to do with the demo complaint.
func otherConsumer(t *testing.T, ts *testServer) string {
	t.Helper()
	u, err := ts.srv.Store().CreateUser(context.Background(), models.SystemActor, models.NewUser{
		Email: "stranger@example.com", Password: "a long password", Name: "Stranger", Roles: []string{"consumer"}})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ts.srv.Store().IssueToken(context.Background(), u.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// storedFiles lists the evidence files under a data folder.
func storedFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(dataDir, "evidence"), func(p string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEvidenceUploadListDownload(t *testing.T) {
	dataDir := t.TempDir()
	ts := startServer(t, map[string]string{"PORTAL_DATA_DIR": dataDir})
	consumer, merchant, inspector := ts.token(t, "consumer"), ts.token(t, "merchant"), ts.token(t, "inspector")
	id := fileComplaint(t, ts, consumer)
	img := pngBytes(t)

	r := ts.upload(t, id, consumer, "鼓包照片 1.png", "image/png", img)
	if r.Status != 201 {
		t.Fatalf("upload png: %d %s", r.Status, r.Body)
	}
	photo := r.json(t)
	if photo["sha256"] != hexSHA256(img) || photo["content_type"] != "image/png" || photo["size"] != float64(len(img)) ||
		photo["name"] != "鼓包照片 1.png" || photo["relation"] != "complainant" {
		t.Fatalf("png evidence: %v", photo)
	}
	// The declared type does not matter either way: this PDF says it is a PNG.
	r = ts.upload(t, id, merchant, `C:\invoices\发票.pdf`, "image/png", []byte(minimalPDF))
	if r.Status != 201 {
		t.Fatalf("upload pdf: %d %s", r.Status, r.Body)
	}
	invoice := r.json(t)
	if invoice["sha256"] != hexSHA256([]byte(minimalPDF)) || invoice["content_type"] != "application/pdf" ||
		invoice["name"] != "发票.pdf" || invoice["relation"] != "respondent" {
		t.Fatalf("pdf evidence: %v", invoice)
	}

	onDisk := filepath.Join(dataDir, "evidence", hexSHA256(img)[:2], hexSHA256(img))
	if b, err := os.ReadFile(onDisk); err != nil || !bytes.Equal(b, img) {
		t.Fatalf("the png is not stored content-addressed at %s: %v", onDisk, err)
	}

	list := ts.do(t, "GET", "/api/v1/complaints/"+id+"/evidence", inspector, nil).json(t)
	items := list["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["id"] != photo["id"] || items[1].(map[string]any)["id"] != invoice["id"] {
		t.Fatalf("evidence list, oldest first: %v", list)
	}

	for _, c := range []struct {
		ev          map[string]any
		data        []byte
		contentType string
		disposition string
	}{
		{photo, img, "image/png", "attachment; filename*=UTF-8''%E9%BC%93%E5%8C%85%E7%85%A7%E7%89%87%201.png"},
		{invoice, []byte(minimalPDF), "application/pdf", "attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf"},
	} {
		for _, token := range []string{consumer, merchant, inspector} {
			r := ts.do(t, "GET", "/api/v1/evidence/"+c.ev["id"].(string), token, nil)
			if r.Status != 200 || !bytes.Equal(r.Body, c.data) {
				t.Fatalf("download %s: %d, %d bytes", c.ev["name"], r.Status, len(r.Body))
			}
			if r.Header.Get("Content-Type") != c.contentType || r.Header.Get("Content-Disposition") != c.disposition ||
				r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("download headers of %s: %v", c.ev["name"], r.Header)
			}
		}
	}

	var steps []string
	for _, e := range ts.do(t, "GET", "/api/v1/complaints/"+id+"/timeline", consumer, nil).json(t)["items"].([]any) {
		e := e.(map[string]any)
		if e["action"] == "evidence" {
			p := e["payload"].(map[string]any)
			steps = append(steps, fmt.Sprintf("%s %s→%s %s", e["relation"], e["from"], e["to"], p["sha256"]))
		}
	}
	want := []string{"complainant filed→filed " + hexSHA256(img), "respondent filed→filed " + hexSHA256([]byte(minimalPDF))}
	if strings.Join(steps, "; ") != strings.Join(want, "; ") {
		t.Fatalf("evidence steps: %v", steps)
	}
	if notes := ts.do(t, "GET", "/api/v1/notifications", merchant, nil); !strings.Contains(string(notes.Body), `"event":"evidence"`) {
		t.Fatalf("the merchant is not told of the consumer's evidence: %s", notes.Body)
	}
	if notes := ts.do(t, "GET", "/api/v1/notifications", consumer, nil); !strings.Contains(string(notes.Body), `"event":"evidence"`) {
		t.Fatalf("the consumer is not told of the merchant's evidence: %s", notes.Body)
	}
}

func TestEvidenceRefusedByItsBytesAndSize(t *testing.T) {
	dataDir := t.TempDir()
	ts := startServer(t, map[string]string{"PORTAL_DATA_DIR": dataDir})
	consumer := ts.token(t, "consumer")
	id := fileComplaint(t, ts, consumer)

	disguised := map[string][]byte{
		"elf":  append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 64)...),
		"zip":  append([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), make([]byte, 64)...),
		"text": []byte("just some text pretending to be a photo\n"),
		"html": []byte("<html><script>alert(1)</script></html>"),
	}
	for what, data := range disguised {
		r := ts.upload(t, id, consumer, "photo.png", "image/png", data, "Accept-Language", "en")
		if r.Status != 415 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
			!strings.Contains(string(r.Body), "judged by the file's content") {
			t.Errorf("%s named photo.png: %d %s", what, r.Status, r.Body)
		}
	}

	big := append(pngBytes(t), make([]byte, 10<<20)...)
	big = big[:10<<20+1]
	r := ts.upload(t, id, consumer, "big.png", "image/png", big)
	if r.Status != 413 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
		r.json(t)["status"] != float64(413) || !strings.Contains(string(r.Body), "10 MiB") {
		t.Fatalf("10 MiB + 1 byte: %d %s", r.Status, truncate(r.Body))
	}

	r = ts.do(t, "POST", "/api/v1/complaints/"+id+"/evidence", consumer, map[string]any{"file": "x"})
	if r.Status != 422 || !strings.Contains(string(r.Body), `"field":"file"`) {
		t.Fatalf("no file field: %d %s", r.Status, r.Body)
	}

	if list := ts.do(t, "GET", "/api/v1/complaints/"+id+"/evidence", consumer, nil).json(t); len(list["items"].([]any)) != 0 {
		t.Fatalf("refused uploads are listed: %v", list)
	}
	if files := storedFiles(t, dataDir); len(files) != 0 {
		t.Fatalf("refused uploads are on disk: %v", files)
	}
	for _, step := range timelineActions(t, ts, consumer, id) {
		if strings.HasPrefix(step, "evidence") {
			t.Fatalf("a refused upload is on the timeline: %s", step)
		}
	}
}

func TestEvidenceLimitIsConfigured(t *testing.T) {
	c, err := app.LoadConfig(envOf(nil))
	if err != nil || c.EvidenceMaxBytes != 10485760 {
		t.Fatalf("default PORTAL_EVIDENCE_MAX_BYTES: %d %v", c.EvidenceMaxBytes, err)
	}
	if _, err := app.LoadConfig(envOf(map[string]string{"PORTAL_EVIDENCE_MAX_BYTES": "ten"})); err == nil ||
		!strings.Contains(err.Error(), "PORTAL_EVIDENCE_MAX_BYTES") {
		t.Fatalf("a bad limit is accepted: %v", err)
	}

	ts := startServer(t, map[string]string{"PORTAL_EVIDENCE_MAX_BYTES": "1000"})
	consumer := ts.token(t, "consumer")
	id := fileComplaint(t, ts, consumer)
	pdf := []byte(minimalPDF + strings.Repeat("%", 1000-len(minimalPDF)))
	if r := ts.upload(t, id, consumer, "a.pdf", "application/pdf", pdf); r.Status != 201 {
		t.Fatalf("exactly at the limit: %d %s", r.Status, r.Body)
	}
	if r := ts.upload(t, id, consumer, "b.pdf", "application/pdf", append(pdf, '\n')); r.Status != 413 {
		t.Fatalf("one byte above the limit: %d %s", r.Status, r.Body)
	}
}

func TestEvidenceOnlyForThoseWhoSeeTheComplaint(t *testing.T) {
	ts := startServer(t, nil)
	consumer := ts.token(t, "consumer")
	id := fileComplaint(t, ts, consumer)
	img := pngBytes(t)
	r := ts.upload(t, id, consumer, "photo.png", "image/png", img)
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	evidenceID := r.json(t)["id"].(string)

	for who, token := range map[string]string{"another consumer": otherConsumer(t, ts), "the arbitrator": ts.token(t, "arbitrator")} {
		if r := ts.upload(t, id, token, "photo.png", "image/png", img); r.Status != 404 {
			t.Errorf("%s uploads: %d, want 404", who, r.Status)
		}
		if r := ts.do(t, "GET", "/api/v1/complaints/"+id+"/evidence", token, nil); r.Status != 404 {
			t.Errorf("%s lists: %d, want 404", who, r.Status)
		}
		if r := ts.do(t, "GET", "/api/v1/evidence/"+evidenceID, token, nil); r.Status != 404 || bytes.Contains(r.Body, img) {
			t.Errorf("%s downloads: %d, want 404", who, r.Status)
		}
	}
	if r := ts.do(t, "GET", "/api/v1/evidence/"+evidenceID, "", nil); r.Status != 401 {
		t.Errorf("the public downloads: %d, want 401", r.Status)
	}
	// The admin may read the complaint and its evidence, but is no party to add to it.
	admin := ts.token(t, "admin")
	if r := ts.upload(t, id, admin, "photo.png", "image/png", img); r.Status != 403 {
		t.Errorf("the admin uploads: %d, want 403", r.Status)
	}
	if r := ts.do(t, "GET", "/api/v1/evidence/"+evidenceID, admin, nil); r.Status != 200 {
		t.Errorf("the admin downloads: %d, want 200", r.Status)
	}
}

func TestEvidenceTamperedOnDiskIsNotServed(t *testing.T) {
	dataDir := t.TempDir()
	ts := startServer(t, map[string]string{"PORTAL_DATA_DIR": dataDir})
	consumer := ts.token(t, "consumer")
	id := fileComplaint(t, ts, consumer)
	img := pngBytes(t)
	r := ts.upload(t, id, consumer, "photo.png", "image/png", img)
	if r.Status != 201 {
		t.Fatalf("upload: %d %s", r.Status, r.Body)
	}
	evidenceID := r.json(t)["id"].(string)
	path := filepath.Join(dataDir, "evidence", hexSHA256(img)[:2], hexSHA256(img))
	forged := append([]byte(nil), img...)
	forged[len(forged)-20] ^= 0xFF
	if err := os.WriteFile(path, forged, 0o640); err != nil {
		t.Fatal(err)
	}
	r = ts.do(t, "GET", "/api/v1/evidence/"+evidenceID, consumer, nil)
	if r.Status != 500 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") ||
		bytes.Contains(r.Body, forged[:16]) || r.Header.Get("Content-Disposition") != "" {
		t.Fatalf("tampered file: %d %v %s", r.Status, r.Header, truncate(r.Body))
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if r := ts.do(t, "GET", "/api/v1/evidence/"+evidenceID, consumer, nil); r.Status != 500 {
		t.Fatalf("missing file: %d %s", r.Status, r.Body)
	}
	// Uploading the same bytes again writes the file anew, and both rows serve it.
	if r := ts.upload(t, id, consumer, "again.png", "image/png", img); r.Status != 201 {
		t.Fatalf("upload again: %d %s", r.Status, r.Body)
	}
	if r := ts.do(t, "GET", "/api/v1/evidence/"+evidenceID, consumer, nil); r.Status != 200 || !bytes.Equal(r.Body, img) {
		t.Fatalf("after the same bytes were uploaded again: %d", r.Status)
	}
}

func TestMessagesBetweenTheSides(t *testing.T) {
	ts := startServer(t, nil)
	consumer, merchant := ts.token(t, "consumer"), ts.token(t, "merchant")
	id := fileComplaint(t, ts, consumer)
	path := "/api/v1/complaints/" + id + "/messages"

	r := ts.do(t, "POST", path, consumer, map[string]any{"body": "  收到的充电宝外壳鼓包，附照片。  "})
	if r.Status != 201 {
		t.Fatalf("complainant posts: %d %s", r.Status, r.Body)
	}
	first := r.json(t)
	if first["body"] != "收到的充电宝外壳鼓包，附照片。" || first["relation"] != "complainant" ||
		first["author_id"] != ts.users["consumer"].ID || first["id"] == "" || first["created_at"] == nil {
		t.Fatalf("posted message: %v", first)
	}
	list := ts.do(t, "GET", path, merchant, nil).json(t)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["id"] != first["id"] {
		t.Fatalf("the merchant's view: %v", list)
	}
	if r := ts.do(t, "POST", path, merchant, map[string]any{"body": "请寄回，我们检测后退款。"}); r.Status != 201 || r.json(t)["relation"] != "respondent" {
		t.Fatalf("merchant replies: %d %s", r.Status, r.Body)
	}

	page := ts.do(t, "GET", path+"?limit=1", consumer, nil).json(t)
	items := page["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["id"] != first["id"] || page["next_cursor"] == nil {
		t.Fatalf("first page, oldest first: %v", page)
	}
	page = ts.do(t, "GET", path+"?limit=1&cursor="+page["next_cursor"].(string), consumer, nil).json(t)
	if items := page["items"].([]any); len(items) != 1 || items[0].(map[string]any)["body"] != "请寄回，我们检测后退款。" || page["next_cursor"] != nil {
		t.Fatalf("second page: %v", page)
	}

	for who, token := range map[string]string{"another consumer": otherConsumer(t, ts), "the arbitrator": ts.token(t, "arbitrator")} {
		if r := ts.do(t, "POST", path, token, map[string]any{"body": "hello"}); r.Status != 404 {
			t.Errorf("%s posts: %d, want 404", who, r.Status)
		}
		if r := ts.do(t, "GET", path, token, nil); r.Status != 404 {
			t.Errorf("%s reads: %d, want 404", who, r.Status)
		}
	}
	if r := ts.do(t, "POST", path, ts.token(t, "admin"), map[string]any{"body": "hello"}); r.Status != 403 {
		t.Errorf("the admin posts: %d, want 403", r.Status)
	}
	for _, body := range []string{"", "   ", strings.Repeat("长", 5001)} {
		if r := ts.do(t, "POST", path, consumer, map[string]any{"body": body}); r.Status != 422 || !strings.Contains(string(r.Body), `"field":"body"`) {
			t.Errorf("body of %d characters: %d %s", len([]rune(body)), r.Status, truncate(r.Body))
		}
	}
	if r := ts.do(t, "POST", path, consumer, map[string]any{"body": strings.Repeat("长", 5000)}); r.Status != 201 {
		t.Errorf("5000 characters: %d %s", r.Status, truncate(r.Body))
	}
	if r := ts.do(t, "POST", path, consumer, "not json"); r.Status != 400 {
		t.Errorf("not JSON: %d", r.Status)
	}

	got := strings.Join(timelineActions(t, ts, consumer, id), " ")
	if got != "file:complainant message:complainant message:respondent message:complainant" {
		t.Fatalf("timeline: %s", got)
	}
	if status := ts.do(t, "GET", "/api/v1/complaints/"+id, consumer, nil).json(t)["status"]; status != "filed" {
		t.Fatalf("a message moved the complaint to %v", status)
	}
	if notes := ts.do(t, "GET", "/api/v1/notifications", consumer, nil); !strings.Contains(string(notes.Body), `"event":"message"`) {
		t.Fatalf("the consumer is not told of the merchant's reply: %s", notes.Body)
	}
}

func TestEvidenceFileNamesAreSanitised(t *testing.T) {
	for in, want := range map[string]string{
		"../../etc/passwd.png":            "passwd.png",
		`C:\Users\me\照片.jpg`:              "照片.jpg",
		"evil\u202Egnp.exe":               "evilgnp.exe",
		"a\x00b\nc.pdf":                   "abc.pdf",
		`what"is<this>.pdf`:               "what_is_this_.pdf",
		"..":                              "evidence.pdf",
		"   ":                             "evidence.pdf",
		strings.Repeat("长", 300) + ".pdf": strings.Repeat("长", 196) + ".pdf",
	} {
		if got := models.SanitizeFileName(in, "application/pdf"); got != want {
			t.Errorf("SanitizeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEvidenceContentTypeByMagicNumbers(t *testing.T) {
	webp := append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), make([]byte, 32)...)
	jpeg := append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, make([]byte, 32)...)
	for want, data := range map[string][]byte{"image/png": pngBytes(t), "application/pdf": []byte(minimalPDF), "image/webp": webp, "image/jpeg": jpeg} {
		if got, err := models.EvidenceContentType(data); got != want || err != nil {
			t.Errorf("%s: got %q, %v", want, got, err)
		}
	}
	for _, data := range [][]byte{[]byte("GIF89a\x01\x00"), []byte(" %PDF-1.4"), []byte("RIFF\x00\x00\x00\x00WAVEfmt "), {}} {
		if _, err := models.EvidenceContentType(data); models.ErrorCode(err) != models.EUNSUPPORTED {
			t.Errorf("%q accepted: %v", data, err)
		}
	}
}
