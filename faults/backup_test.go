package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Backups that restore: complaints filed, a full backup, more complaints, a moment T, more
// complaints; `scripts/stack.sh restore --to T` gives back exactly the complaints acknowledged
// before T, with their evidence files; the audit chain verifies, and `portal reindex` makes the
// search index match Postgres again.
func TestBackupRestoresToAMoment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the portal and its own stack")
	}
	site := newSite(t, true)
	s := site.stack
	logFile, err := os.Create(filepath.Join(site.dir, "portal.log"))
	if err != nil {
		t.Fatal(err)
	}
	p := &portal{bin: site.bin, addr: freeAddr(t), env: site.app, log: logFile}
	p.start(t)
	t.Cleanup(p.stop)
	token := signIn(t, p.addr, "consumer@demo.portal")
	l := &load{portals: []string{p.addr}, token: token}
	file := func(n int) []string {
		var ids []string
		for range n {
			id, _, ok := l.file(t, 1, randomKey(), 0)
			if !ok {
				t.FailNow()
			}
			ids = append(ids, id)
		}
		return ids
	}

	before := file(3)
	evidence := uploadEvidence(t, p.addr, token, before[0])
	s.script("backup")
	before = append(before, file(3)...)
	time.Sleep(1500 * time.Millisecond)
	moment := time.Now().UTC()
	time.Sleep(1500 * time.Millisecond)
	after := file(3)
	t.Logf("filed %d complaints before %s and %d after", len(before), moment.Format(time.RFC3339Nano), len(after))
	searchMatches := func() bool {
		check := exec.Command(site.bin, "search", "check")
		check.Env = append(cleanEnv(), site.app...)
		return check.Run() == nil
	}
	eventually(t, 60*time.Second, "the index to have every complaint before the restore", searchMatches)

	p.stop()
	// The evidence folder is lost with the disk; the backup has its copy.
	if err := os.RemoveAll(filepath.Join(s.dir, "evidence")); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s.script("restore", "--to", moment.Format(time.RFC3339Nano))
	t.Logf("restore took %s", time.Since(start).Round(100*time.Millisecond))

	var got []string
	for _, id := range strings.Fields(s.psql(t, "SELECT id FROM complaints ORDER BY id")) {
		got = append(got, id)
	}
	want := slices.Clone(before)
	slices.Sort(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("after the restore: complaints %v, want exactly those filed before the moment %v (not %v)", got, want, after)
	}
	run(t, site.bin, site.owner, "audit", "verify")
	if _, err := os.Stat(filepath.Join(s.dir, "evidence", evidence)); err != nil {
		t.Errorf("the evidence file is not back: %v", err)
	}

	// The index still has the complaints filed after the moment: search check says so, reindex repairs it.
	if searchMatches() {
		t.Errorf("search check found no difference after the restore, though the index has complaints filed after the moment")
	}
	run(t, site.bin, site.owner, "reindex")
	run(t, site.bin, site.app, "search", "check")

	// The restored portal serves and files again.
	p.start(t)
	file(1)
}

// uploadEvidence attaches a small PNG to a complaint and returns where the file is kept in the
// evidence folder (content-addressed: the first two hex digits of its SHA-256, then all of them).
func uploadEvidence(t *testing.T, addr, token, complaint string) string {
	t.Helper()
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde" +
		"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "receipt.png")
	part.Write(png)
	w.Close()
	req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/complaints/"+complaint+"/evidence", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ SHA256 string }
	json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode != 201 || len(out.SHA256) != 64 {
		t.Fatalf("evidence upload: %d %+v", res.StatusCode, out)
	}
	return filepath.Join(out.SHA256[:2], out.SHA256)
}
