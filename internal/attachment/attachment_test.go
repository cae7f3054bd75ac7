package attachment_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/attachment"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

func TestAttachments(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := attachment.New(db, clock.NewFake(time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)))
		// Staff see note 1; only org 7's client users see it among clients.
		s.Guard("note", func(_ context.Context, a access.Actor, id int64) (bool, error) {
			return id == 1 && (a.IsStaff() || a.OrgID == 7), nil
		})
		staff := access.Actor{UserID: 1, Username: "s", Roles: []string{access.Staff}}
		client := access.Actor{UserID: 2, Roles: []string{access.Client}, OrgID: 7}
		other := access.Actor{UserID: 3, Roles: []string{access.Client}, OrgID: 8}
		pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 100)...)

		at, err := s.Add(ctx, staff, "note", 1, "../../etc/合同.pdf", pdf)
		if err != nil {
			t.Fatal(err)
		}
		if at.Filename != "合同.pdf" || at.ContentType != "application/pdf" || at.Size != int64(len(pdf)) {
			t.Fatalf("stored %+v", at)
		}
		cases := []struct {
			name, file string
			data       []byte
			key        string
		}{
			{"exe renamed pdf", "x.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), "err.file_type"},
			{"html", "x.html", []byte("<html><script>alert(1)</script>"), "err.file_type"},
			{"empty", "x.txt", nil, "err.required"},
			{"too large", "x.txt", bytes.Repeat([]byte("a"), attachment.MaxSize+1), "err.file_too_large"},
		}
		for _, c := range cases {
			if _, err := s.Add(ctx, staff, "note", 1, c.file, c.data); errs.As(err).Key != c.key {
				t.Errorf("%s: got %v, want %s", c.name, err, c.key)
			}
		}
		if _, err := s.Add(ctx, staff, "unknown", 1, "a.txt", []byte("hi")); errs.As(err).Kind != errs.Invalid {
			t.Errorf("unguarded entity: %v", err)
		}
		if _, data, err := s.Open(ctx, client, at.ID); err != nil || !bytes.Equal(data, pdf) {
			t.Fatalf("own client download: %v", err)
		}
		if _, _, err := s.Open(ctx, other, at.ID); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("other organisation's download: %v", err)
		}
		if _, err := s.List(ctx, other, "note", 1); errs.As(err).Kind != errs.Forbidden {
			t.Fatalf("other organisation's list: %v", err)
		}
		list, err := s.List(ctx, staff, "note", 1)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %d", err, len(list))
		}
		var n int
		_ = db.QueryRow(ctx, `SELECT COUNT(*) FROM attachments`).Scan(&n)
		if n != 1 {
			t.Fatalf("refused uploads wrote rows: %d", n)
		}
	})
}
