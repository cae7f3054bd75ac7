package web_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"jiedai/internal/access"
	"jiedai/internal/apptest"
	"jiedai/internal/booking"
	"jiedai/internal/browsertest"
	"jiedai/internal/reception"
	"jiedai/internal/storetest"
)

var mediaBox = regexp.MustCompile(`/MediaBox \[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`)

// checkA4 fails unless every page of pdf is A4 portrait (595 × 842 pt).
func checkA4(t *testing.T, name string, pdf []byte) {
	t.Helper()
	boxes := mediaBox.FindAllSubmatch(pdf, -1)
	if len(boxes) == 0 {
		t.Fatalf("%s: no page in the PDF", name)
	}
	for _, m := range boxes {
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		if math.Abs(w-595.28) > 2 || math.Abs(h-841.89) > 2 {
			t.Errorf("%s: page of %.1f × %.1f pt, want A4 595 × 842", name, w, h)
		}
	}
}

// Every printable page prints on A4: the confirmation letter, the
// statement, the rate card, the venue report and the reception forms.
func TestBrowserPrintsA4(t *testing.T) {
	b := browsertest.New(t, browsertest.WithLang("zh-CN"))
	a, _ := apptest.New(t, storetest.NewTestDB(t, "sqlite"))
	srv := apptest.Serve(t, a)
	ctx := context.Background()
	browserLogin(t, b, srv.URL, "office")
	approved, err := a.Bookings.List(ctx, access.SystemActor(), booking.Filter{Statuses: []string{booking.StatusApproved}, Limit: 1})
	if err != nil || len(approved) == 0 {
		t.Fatalf("no booking awaiting a reply: %v", err)
	}
	done, err := a.Bookings.List(ctx, access.SystemActor(), booking.Filter{Statuses: []string{booking.StatusCompleted}, Limit: 1})
	if err != nil || len(done) == 0 {
		t.Fatalf("no completed booking: %v", err)
	}
	closed := demoCase(t, a.Reception, reception.StatusClosed)
	pages := []string{
		fmt.Sprintf("/bookings/%d/letter", approved[0].ID),
		fmt.Sprintf("/bookings/%d/statement", done[0].ID),
		"/rates",
	}
	for _, doc := range []string{"application", "duties", "materials", "survey"} {
		pages = append(pages, fmt.Sprintf("/receptions/%d/print/%s", closed.ID, doc))
	}
	dir := b.ShotDir()
	for i, p := range pages {
		b.Navigate(srv.URL + p)
		b.WaitVisible("main")
		pdf := b.PrintPDF()
		checkA4(t, p, pdf)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("print-%d.pdf", i)), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("PDFs in %s", dir)
}
