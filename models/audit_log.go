package models

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"crypto/ed25519"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
	"gorm.io/gorm"
)

// The audit trail is also a transparency log, in the style of Certificate Transparency and the
// Go checksum database: the chained records (audit.go) are the leaves of a Merkle tree, in chain
// order, whose stored hashes (golang.org/x/mod/sumdb/tlog) the sequencer writes to audit_tree
// with the chain. Now and then it signs a checkpoint (a C2SP signed note: origin, tree size, root
// hash, time) with an Ed25519 key the database never holds (PORTAL_AUDIT_KEY), and keeps every
// checkpoint in audit_checkpoints; the latest is published. Whoever holds a checkpoint can check
// that a record is in the log (an inclusion proof) and that a later log still contains it.

// AuditOrigin names the log in its checkpoints.
const AuditOrigin = "hzcbec-portal/audit"

// checkpointEvery is how often the sequencer signs a checkpoint of a grown log.
const checkpointEvery = 10 * time.Second

// backdatingSlack is how much earlier than the checkpoint before its place in the log a
// record's time may be (a long transaction commits its record after it was written).
const backdatingSlack = time.Hour

// AuditKey signs checkpoints and checks them.
type AuditKey struct {
	signer   note.Signer
	verifier note.Verifier
	// VerifierKey is the public key, in the note format, for those who check checkpoints.
	VerifierKey string
}

// NewAuditKey reads a signing key in the note format ("PRIVATE+KEY+name+hash+key").
func NewAuditKey(skey string) (*AuditKey, error) {
	signer, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("the audit signing key: %w", err)
	}
	// The verifier key is derived from the signing key by the library that reads it.
	_, vkey, err := verifierOf(strings.TrimSpace(skey))
	if err != nil {
		return nil, err
	}
	verifier, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, err
	}
	return &AuditKey{signer: signer, verifier: verifier, VerifierKey: vkey}, nil
}

// GenerateAuditKey makes a new signing key, kept outside the database (PORTAL_AUDIT_KEY, or a
// file in the data folder).
func GenerateAuditKey() (string, error) {
	skey, _, err := note.GenerateKey(rand.Reader, AuditOrigin)
	return skey, err
}

// verifierOf derives the verifier key of a signing key ("PRIVATE+KEY+name+hash+base64(alg||seed)").
func verifierOf(skey string) (string, string, error) {
	parts := strings.SplitN(skey, "+", 5) // the key itself is base64, which may hold a "+"
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", "", fmt.Errorf("the audit signing key is not a note signing key")
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 33 || raw[0] != 1 {
		return "", "", fmt.Errorf("the audit signing key is not an Ed25519 note key")
	}
	vkey, err := note.NewEd25519VerifierKey(parts[2], ed25519FromSeed(raw[1:]))
	return parts[2], vkey, err
}

// int64s is a bigint[] argument, as a literal of decimal numbers.
func int64s(v []int64) TextList {
	out := make(TextList, len(v))
	for i, n := range v {
		out[i] = strconv.FormatInt(n, 10)
	}
	return out
}

// ed25519FromSeed is the public key of an Ed25519 seed.
func ed25519FromSeed(seed []byte) ed25519.PublicKey {
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
}

// treeSize is how many records the stored tree covers. The last hash stored is the highest one
// the last record completed: at level l, the hash of its subtree n covers records up to (n+1)·2^l.
func treeSize(tx *gorm.DB) (int64, error) {
	var max []int64
	if err := tx.Raw(`SELECT max(index) FROM audit_tree HAVING count(*) > 0`).Scan(&max).Error; err != nil || len(max) == 0 {
		return 0, err
	}
	level, n := tlog.SplitStoredHashIndex(max[0])
	return (n + 1) << level, nil
}

// catchUpTree adds to the tree the first chained records it does not cover yet (the chain kept
// before the tree existed), up to chained, in tx.
func (s *Store) catchUpTree(tx *gorm.DB, chained int64) error {
	size, err := treeSize(tx)
	for err == nil && size < chained {
		var hashes []Hash
		if err = tx.Raw(`SELECT hash FROM audit_records WHERE chain_seq > ? AND chain_seq <= ? ORDER BY chain_seq LIMIT 5000`,
			size, chained).Scan(&hashes).Error; err != nil {
			return err
		}
		if err = s.growTree(tx, size, hashes); err != nil {
			return err
		}
		size += int64(len(hashes))
	}
	return err
}

// CheckpointAudit signs a checkpoint of the log as it stands when it has grown since the last
// one, and that is older than checkpointEvery or force is set (a verification wants the whole log
// covered). Like the sequencer it gives way, unless forced, when another is at work.
func (s *Store) CheckpointAudit(ctx context.Context, force bool) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if got, err := lockAuditLog(tx, force); err != nil || !got {
			return err
		}
		var chained int64
		if err := tx.Raw(`SELECT coalesce(max(chain_seq), 0) FROM audit_records`).Scan(&chained).Error; err != nil {
			return err
		}
		if err := s.catchUpTree(tx, chained); err != nil {
			return err
		}
		return s.signCheckpoint(tx, chained, force)
	})
	return err
}

// SetAuditKey gives the store the key that signs and checks checkpoints; without one the chain
// is kept and checked but no checkpoint is signed.
func (s *Store) SetAuditKey(k *AuditKey) { s.auditKey = k }

// AuditKey is the store's checkpoint key (nil when none was given).
func (s *Store) AuditKey() *AuditKey { return s.auditKey }

// treeReader reads stored hashes from the database, and first from those computed in the same
// transaction but not written yet.
type treeReader struct {
	tx      *gorm.DB
	pending map[int64]tlog.Hash
}

func (r *treeReader) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	var missing []int64
	for i, idx := range indexes {
		if h, ok := r.pending[idx]; ok {
			out[i] = h
		} else {
			missing = append(missing, idx)
		}
	}
	if len(missing) > 0 {
		var rows []struct {
			Index int64
			Hash  []byte
		}
		if err := r.tx.Raw(`SELECT index, hash FROM audit_tree WHERE index = ANY (?)`, int64s(missing)).Scan(&rows).Error; err != nil {
			return nil, err
		}
		found := map[int64]tlog.Hash{}
		for _, row := range rows {
			var h tlog.Hash
			copy(h[:], row.Hash)
			found[row.Index] = h
		}
		for i, idx := range indexes {
			if _, ok := r.pending[idx]; ok {
				continue
			}
			h, ok := found[idx]
			if !ok {
				return nil, fmt.Errorf("audit tree: stored hash %d is missing", idx)
			}
			out[i] = h
		}
	}
	return out, nil
}

// growTree adds the records numbered from first (0-based chain positions) with the given chain
// hashes to the tree, in tx.
func (s *Store) growTree(tx *gorm.DB, first int64, chainHashes []Hash) error {
	r := &treeReader{tx: tx, pending: map[int64]tlog.Hash{}}
	var idx []int64
	var hashes []Hash
	for i, ch := range chainHashes {
		n := first + int64(i)
		stored, err := tlog.StoredHashesForRecordHash(n, tlog.RecordHash(ch), r)
		if err != nil {
			return err
		}
		start := tlog.StoredHashIndex(0, n)
		for j, h := range stored {
			r.pending[start+int64(j)] = h
			idx = append(idx, start+int64(j))
			hashes = append(hashes, append(Hash(nil), h[:]...))
		}
	}
	if len(idx) > 0 {
		hexes := make(TextList, len(hashes))
		for i, h := range hashes {
			hexes[i] = fmt.Sprintf("%x", []byte(h))
		}
		if err := tx.Exec(`INSERT INTO audit_tree (index, hash) SELECT i, decode(h, 'hex') FROM unnest(?::bigint[], ?::text[]) AS t (i, h)`,
			int64s(idx), hexes).Error; err != nil {
			return err
		}
	}
	return nil
}

// signCheckpoint signs and keeps a checkpoint of the first size records when the log has grown
// since the last checkpoint and that is older than checkpointEvery (or force), in tx. It is
// called only once the tree covers every chained record, never part-way through a backlog: a
// checkpoint's time bounds the times of the records after it.
func (s *Store) signCheckpoint(tx *gorm.DB, size int64, force bool) error {
	if s.auditKey == nil {
		return nil
	}
	r := &treeReader{tx: tx, pending: map[int64]tlog.Hash{}}
	var last struct {
		Size     int64
		SignedAt time.Time
	}
	res := tx.Raw(`SELECT size, signed_at FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&last)
	if res.Error != nil {
		return res.Error
	}
	now := time.Now().UTC() // the signing time is the machine's, as the records' is the database's
	if size == 0 || (res.RowsAffected == 1 && (last.Size >= size || (!force && now.Sub(last.SignedAt) < checkpointEvery))) {
		return nil
	}
	root, err := tlog.TreeHash(size, r)
	if err != nil {
		return err
	}
	signed, err := s.auditKey.sign(size, root, now)
	if err != nil {
		return err
	}
	return tx.Exec(`INSERT INTO audit_checkpoints (size, root, note, signed_at) VALUES (?, ?, ?, ?)`,
		size, Hash(root[:]), signed, now).Error
}

// sign makes the checkpoint note: origin, size, base64 root hash, then the time as an extension
// line, signed.
func (k *AuditKey) sign(size int64, root tlog.Hash, at time.Time) (string, error) {
	text := fmt.Sprintf("%s\n%d\n%s\ntime %d\n", AuditOrigin, size, base64.StdEncoding.EncodeToString(root[:]), at.Unix())
	msg, err := note.Sign(&note.Note{Text: text}, k.signer)
	return string(msg), err
}

// Checkpoint is a signed checkpoint, read back.
type Checkpoint struct {
	Size int64
	Root tlog.Hash
	At   time.Time
	Note string
}

// open checks a checkpoint's signature and reads it.
func (k *AuditKey) open(signed string) (*Checkpoint, error) {
	n, err := note.Open([]byte(signed), note.VerifierList(k.verifier))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 4 || lines[0] != AuditOrigin || !strings.HasPrefix(lines[3], "time ") {
		return nil, fmt.Errorf("not a checkpoint of %s", AuditOrigin)
	}
	size, err1 := strconv.ParseInt(lines[1], 10, 64)
	root, err2 := base64.StdEncoding.DecodeString(lines[2])
	unix, err3 := strconv.ParseInt(strings.TrimPrefix(lines[3], "time "), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || len(root) != tlog.HashSize || size < 1 {
		return nil, fmt.Errorf("a malformed checkpoint")
	}
	c := &Checkpoint{Size: size, At: time.Unix(unix, 0).UTC(), Note: signed}
	copy(c.Root[:], root)
	return c, nil
}

// AuditSigned says whether the log has a signed checkpoint (before migrations, it has none).
func (s *Store) AuditSigned(ctx context.Context) (bool, error) {
	var migrated, signed bool
	if err := s.db.WithContext(ctx).Raw(`SELECT to_regclass('audit_checkpoints') IS NOT NULL`).Scan(&migrated).Error; err != nil || !migrated {
		return false, err
	}
	err := s.db.WithContext(ctx).Raw(`SELECT EXISTS (SELECT 1 FROM audit_checkpoints)`).Scan(&signed).Error
	return signed, err
}

// LatestCheckpoint is the newest signed checkpoint (ENOTFOUND before the first).
func (s *Store) LatestCheckpoint(ctx context.Context) (string, error) {
	var signed []string
	if err := s.db.WithContext(ctx).Raw(`SELECT note FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&signed).Error; err != nil {
		return "", err
	}
	if len(signed) == 0 {
		return "", Errorf(ENOTFOUND, "not_found")
	}
	return signed[0], nil
}

// AuditProof shows that a record is in the log a checkpoint signs: the record's leaf (its chain
// hash), its place, and the hashes that lead from it to the checkpoint's root (RFC 6962 style,
// tlog.CheckRecord checks them).
type AuditProof struct {
	RecordID   int64    `json:"record_id"`
	Index      int64    `json:"index"`
	RecordHash Hash     `json:"record_hash"`
	TreeSize   int64    `json:"tree_size"`
	RootHash   string   `json:"root_hash"`
	Checkpoint string   `json:"checkpoint"`
	Proof      []string `json:"proof"`
}

// ProveAuditRecord proves a record against the newest checkpoint that covers it; a record not
// yet in a checkpoint is ENOTFOUND for now (the next checkpoint comes within seconds).
func (s *Store) ProveAuditRecord(ctx context.Context, id int64) (*AuditProof, error) {
	var rec struct {
		ChainSeq *int64
		Hash     Hash
	}
	res := s.db.WithContext(ctx).Raw(`SELECT chain_seq, hash FROM audit_records WHERE id = ?`, id).Scan(&rec)
	if res.Error != nil {
		return nil, res.Error
	}
	if res.RowsAffected == 0 || rec.ChainSeq == nil {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	n := *rec.ChainSeq - 1
	var cp []struct {
		Size int64
		Root Hash
		Note string
	}
	if err := s.db.WithContext(ctx).Raw(`SELECT size, root, note FROM audit_checkpoints WHERE size > ? ORDER BY size DESC LIMIT 1`, n).
		Scan(&cp).Error; err != nil {
		return nil, err
	}
	if len(cp) == 0 {
		return nil, Errorf(ENOTFOUND, "not_found")
	}
	proof, err := tlog.ProveRecord(cp[0].Size, n, &treeReader{tx: s.db.WithContext(ctx), pending: map[int64]tlog.Hash{}})
	if err != nil {
		return nil, err
	}
	out := &AuditProof{RecordID: id, Index: n, RecordHash: rec.Hash, TreeSize: cp[0].Size,
		RootHash: base64.StdEncoding.EncodeToString(cp[0].Root), Checkpoint: cp[0].Note, Proof: []string{}}
	for _, h := range proof {
		out.Proof = append(out.Proof, base64.StdEncoding.EncodeToString(h[:]))
	}
	return out, nil
}

// checkLog checks the log against its checkpoints, given the chain hashes and times of every
// record in chain order (VerifyAudit walked them): each checkpoint's signature, that the tree
// of its first size records has its root (so nothing before it was changed, removed or put in),
// that the stored tree matches the records, and that no record is dated before the checkpoint
// that preceded its place in the log (backdated). It names the first record at fault, if any.
func (s *Store) checkLog(tx *gorm.DB, chain []Hash, times []time.Time, ids []int64) (broken *int64, problem string, checkpoints int, err error) {
	mem := make([]tlog.Hash, 0, 2*len(chain))
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= int64(len(mem)) {
				return nil, fmt.Errorf("stored hash %d beyond the log", x)
			}
			out[i] = mem[x]
		}
		return out, nil
	})
	for n, ch := range chain {
		stored, err := tlog.StoredHashesForRecordHash(int64(n), tlog.RecordHash(ch), reader)
		if err != nil {
			return nil, "", 0, err
		}
		mem = append(mem, stored...)
	}
	at := func(n int64) *int64 {
		if n >= int64(len(ids)) {
			n = int64(len(ids)) - 1
		}
		if n < 0 {
			return nil
		}
		id := ids[n]
		return &id
	}
	// The stored tree, as the sequencer wrote it, is the tree of the records.
	var dbCount int64
	if err := tx.Raw(`SELECT count(*) FROM audit_tree`).Scan(&dbCount).Error; err != nil {
		return nil, "", 0, err
	}
	for from := int64(0); from < int64(len(mem)) || from < dbCount; from += 5000 {
		var rows []struct {
			Index int64
			Hash  []byte
		}
		if err := tx.Raw(`SELECT index, hash FROM audit_tree WHERE index >= ? AND index < ? ORDER BY index`,
			from, from+5000).Scan(&rows).Error; err != nil {
			return nil, "", 0, err
		}
		for _, row := range rows {
			if row.Index >= int64(len(mem)) { // the tree covers records that are gone
				return at(int64(len(ids))), "records_removed", 0, nil
			}
			if string(row.Hash) != string(mem[row.Index][:]) {
				level, n := tlog.SplitStoredHashIndex(row.Index)
				return at(n << level), "tree", 0, nil
			}
		}
	}
	if s.auditKey == nil {
		return nil, "", 0, nil
	}
	var signed []struct {
		Size int64
		Note string
	}
	if err := tx.Raw(`SELECT size, note FROM audit_checkpoints ORDER BY size`).Scan(&signed).Error; err != nil {
		return nil, "", 0, err
	}
	var prev *Checkpoint
	for _, row := range signed {
		c, err := s.auditKey.open(row.Note)
		if err != nil || c.Size != row.Size {
			return at(row.Size - 1), "checkpoint_signature", checkpoints, nil
		}
		if c.Size > int64(len(chain)) {
			return at(int64(len(chain))), "records_removed", checkpoints, nil
		}
		root, err := tlog.TreeHash(c.Size, reader)
		if err != nil {
			return nil, "", checkpoints, err
		}
		if root != c.Root {
			return at(c.Size - 1), "checkpoint_root", checkpoints, nil
		}
		if prev != nil {
			for n := prev.Size; n < c.Size; n++ {
				if times[n].Before(prev.At.Add(-backdatingSlack)) {
					return at(n), "backdated", checkpoints, nil
				}
			}
		}
		prev = c
		checkpoints++
	}
	if prev != nil {
		for n := prev.Size; n < int64(len(chain)); n++ {
			if times[n].Before(prev.At.Add(-backdatingSlack)) {
				return at(n), "backdated", checkpoints, nil
			}
		}
	}
	return nil, "", checkpoints, nil
}

// CheckAuditProof checks an inclusion proof as anyone holding the verifier key can: the
// checkpoint's signature, that it is the proof's tree, and that the record's leaf leads to its
// root.
func CheckAuditProof(p *AuditProof, verifierKey string) error {
	v, err := note.NewVerifier(strings.TrimSpace(verifierKey))
	if err != nil {
		return err
	}
	c, err := (&AuditKey{verifier: v}).open(p.Checkpoint)
	if err != nil {
		return err
	}
	if c.Size != p.TreeSize || base64.StdEncoding.EncodeToString(c.Root[:]) != p.RootHash {
		return fmt.Errorf("the proof is not of the checkpoint's tree")
	}
	proof := make(tlog.RecordProof, len(p.Proof))
	for i, s := range p.Proof {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return fmt.Errorf("a malformed proof hash")
		}
		copy(proof[i][:], b)
	}
	return tlog.CheckRecord(proof, c.Size, c.Root, p.Index, tlog.RecordHash(p.RecordHash))
}
