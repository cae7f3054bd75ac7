package forms_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/forms"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

var receipt = forms.Spec{Form: "test_receipt", Entity: "booking",
	Parts: []forms.Part{forms.PartFinance, forms.PartClient, forms.PartStub}, Layout: forms.Cut}

func TestFirstPrintThenReprints(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := forms.New(db, clock.NewFake(time.Date(2026, 5, 6, 2, 0, 0, 0, time.UTC)))
		clerk := access.Actor{UserID: 4, Username: "service", Name: "服务部小李", Roles: []string{access.Service}, IP: "10.0.0.9"}

		first, err := s.Record(ctx, clerk, receipt, 7, "SJ-2026-000001", "")
		if err != nil {
			t.Fatal(err)
		}
		if first.Seq != 1 || first.Reprint() || first.Copies != 3 || first.Number != "SJ-2026-000001" || first.ByName != "服务部小李" {
			t.Fatalf("first print %+v", first)
		}
		// A reprint needs a reason, and nothing is registered without one.
		if _, err := s.Record(ctx, clerk, receipt, 7, "SJ-2026-000001", "  "); errs.As(err).Key != "forms.err.reason_required" || errs.As(err).Field != "reason" {
			t.Fatalf("reprint without reason: %v", err)
		}
		if _, err := s.Record(ctx, clerk, receipt, 7, "SJ-2026-000001", strings.Repeat("字", forms.MaxReason+1)); errs.As(err).Key != "err.too_long" {
			t.Fatalf("long reason: %v", err)
		}
		again, err := s.Record(ctx, clerk, receipt, 7, "SJ-2026-000001", "客户联遗失")
		if err != nil {
			t.Fatal(err)
		}
		if again.Seq != 2 || !again.Reprint() || again.Reason != "客户联遗失" {
			t.Fatalf("reprint %+v", again)
		}
		// Another record and another form count on their own.
		other, err := s.Record(ctx, clerk, receipt, 8, "SJ-2026-000002", "")
		if err != nil || other.Seq != 1 {
			t.Fatalf("other record: %+v %v", other, err)
		}
		letter := forms.Spec{Form: "test_letter", Entity: "booking", Parts: []forms.Part{forms.PartClient}, Layout: forms.Pages}
		if l, err := s.Record(ctx, clerk, letter, 7, "BK-1", ""); err != nil || l.Seq != 1 {
			t.Fatalf("other form: %+v %v", l, err)
		}

		h, err := s.History(ctx, receipt, 7)
		if err != nil || len(h) != 2 || h[0].ID != first.ID || h[1].ID != again.ID {
			t.Fatalf("history %+v %v", h, err)
		}
		if g, err := s.Get(ctx, receipt, 7, again.ID); err != nil || g.Seq != 2 {
			t.Fatalf("get %+v %v", g, err)
		}
		// A print is found only under its own form and record.
		if _, err := s.Get(ctx, receipt, 8, again.ID); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("print of another record: %v", err)
		}
		if _, err := s.Get(ctx, letter, 7, again.ID); errs.As(err).Kind != errs.NotFound {
			t.Fatalf("print of another form: %v", err)
		}

		// Both are audited on the record: print, then reprint with its reason.
		rows, err := audit.NewLog(db).List(ctx, access.SystemActor(), audit.Filter{Entity: "booking", EntityID: 7})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range rows {
			actions = append(actions, e.Action)
			if e.Action == "reprint" && !strings.Contains(e.After, "客户联遗失") {
				t.Errorf("reprint audit row without its reason: %s", e.After)
			}
		}
		// newest first: the letter, the receipt's reprint, its first print
		if strings.Join(actions, ",") != "print,reprint,print" {
			t.Fatalf("audit actions %v", actions)
		}

		// Not signed in: refused.
		if _, err := s.Record(ctx, access.Actor{}, receipt, 7, "SJ-2026-000001", "x"); errs.As(err).Kind != errs.Unauthorized {
			t.Fatalf("anonymous print: %v", err)
		}
	})
}

// Prints at the same moment each get their own seq: exactly one is the
// first print.
func TestConcurrentPrints(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := forms.New(db, clock.NewFake(time.Date(2026, 5, 6, 2, 0, 0, 0, time.UTC)))
		a := access.Actor{UserID: 4, Username: "service", Roles: []string{access.Service}}
		const n = 8
		var wg sync.WaitGroup
		seqs := make([]int, n)
		errsOut := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := s.Record(ctx, a, receipt, 9, "SJ-2026-000009", "重打")
				seqs[i], errsOut[i] = p.Seq, err
			}()
		}
		wg.Wait()
		seen := map[int]bool{}
		for i := range n {
			if errsOut[i] != nil {
				t.Fatalf("print %d: %v", i, errsOut[i])
			}
			if seen[seqs[i]] {
				t.Fatalf("seq %d given twice: %v", seqs[i], seqs)
			}
			seen[seqs[i]] = true
		}
		for i := 1; i <= n; i++ {
			if !seen[i] {
				t.Fatalf("seqs %v are not 1..%d", seqs, n)
			}
		}
	})
}

func TestOriginals(t *testing.T) {
	ps := forms.Originals(4)
	if len(ps) != 4 || ps[0].N != 1 || ps[3].N != 4 || ps[3].Key != "forms.part.original" {
		t.Fatalf("originals %+v", ps)
	}
}
