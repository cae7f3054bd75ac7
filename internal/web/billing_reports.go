package web

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"

	"jiedai/internal/access"
	"jiedai/internal/billing"
	"jiedai/internal/booking"
	"jiedai/internal/venue"
)

func (s *Server) routesBillingReports(mux *http.ServeMux) {
	mux.HandleFunc("GET /billing/queue", s.authed(s.blQueue))
	mux.HandleFunc("GET /billing/receivables", s.authed(s.blReceivables))
	mux.HandleFunc("GET /billing/receivables.xlsx", s.authed(s.blReceivablesExcel))
}

type blQueueData struct {
	Rows   []booking.QueueRow
	Venues map[int64]string
}

func (s *Server) blQueue(w http.ResponseWriter, r *http.Request, a access.Actor) {
	ctx := r.Context()
	rows, err := s.app.Bookings.SettlementQueue(ctx, a)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	vs, err := s.app.Venues.List(ctx, a, venue.Filter{})
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	l := s.app.I18n.For(langFrom(r))
	d := &blQueueData{Rows: rows, Venues: map[int64]string{}}
	for _, v := range vs {
		d.Venues[v.ID] = v.DisplayName(l.Lang)
	}
	s.render(w, r, http.StatusOK, "billing_queue", s.newPage(r, "billing.queue.title", "billing", d))
}

// receivablesRange reads ?from=YYYY-MM&to=YYYY-MM, by default the last six months.
func (s *Server) receivablesRange(r *http.Request) (string, string) {
	now := s.app.Clock.Now().In(s.app.Loc)
	from, to := r.URL.Query().Get("from"), r.URL.Query().Get("to")
	if to == "" {
		to = now.Format("2006-01")
	}
	if from == "" {
		from = now.AddDate(0, -5, 0).Format("2006-01")
	}
	return from, to
}

func (s *Server) blReceivables(w http.ResponseWriter, r *http.Request, a access.Actor) {
	from, to := s.receivablesRange(r)
	rep, err := s.app.Billing.Receivables(r.Context(), a, from, to)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	p := s.newPage(r, "billing.receivables.title", "billing", rep)
	p.Form = r.URL.Query()
	s.render(w, r, http.StatusOK, "billing_receivables", p)
}

// blReceivablesExcel exports the report: one sheet by month, one by client.
func (s *Server) blReceivablesExcel(w http.ResponseWriter, r *http.Request, a access.Actor) {
	from, to := s.receivablesRange(r)
	rep, err := s.app.Billing.Receivables(r.Context(), a, from, to)
	if err != nil {
		s.fail(w, r, err, "", nil)
		return
	}
	l := s.app.I18n.For(langFrom(r))
	f := excelize.NewFile()
	defer f.Close()
	money, _ := f.NewStyle(&excelize.Style{CustomNumFmt: ptr(fmtMoney)})
	bold, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	sheets := []struct {
		name, head string
		rows       []billing.SumRow
	}{{l.T("billing.receivables.by_month"), l.T("billing.receivables.month"), rep.ByMonth}, {l.T("billing.receivables.by_client"), l.T("billing.field.account"), rep.ByAccount}}
	for i, sh := range sheets {
		if i == 0 {
			_ = f.SetSheetName("Sheet1", sh.name)
		} else if _, err := f.NewSheet(sh.name); err != nil {
			s.fail(w, r, fmt.Errorf("add sheet: %w", err), "", nil)
			return
		}
		_ = f.SetCellValue(sh.name, "A1", l.T("billing.receivables.title")+" "+from+" – "+to)
		for j, h := range []string{sh.head, l.T("billing.receivables.charged"), l.T("billing.receivables.paid"), l.T("billing.receivables.outstanding")} {
			cell, _ := excelize.CoordinatesToCellName(j+1, 3)
			_ = f.SetCellValue(sh.name, cell, h)
		}
		_ = f.SetRowStyle(sh.name, 3, 3, bold)
		rows := append(sh.rows, billing.SumRow{Name: l.T("billing.receivables.total"), ChargedFen: rep.Total.ChargedFen, PaidFen: rep.Total.PaidFen, OutstandingFen: rep.Total.OutstandingFen})
		for j, row := range rows {
			label := row.Name
			if label == "" {
				label = row.Key
			}
			for k, v := range []any{label, float64(row.ChargedFen) / 100, float64(row.PaidFen) / 100, float64(row.OutstandingFen) / 100} {
				cell, _ := excelize.CoordinatesToCellName(k+1, j+4)
				_ = f.SetCellValue(sh.name, cell, v)
			}
		}
		_ = f.SetCellStyle(sh.name, "B4", fmt.Sprintf("D%d", len(rows)+3), money)
		_ = f.SetColWidth(sh.name, "A", "A", 28)
		_ = f.SetColWidth(sh.name, "B", "D", 16)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		s.fail(w, r, fmt.Errorf("write workbook: %w", err), "", nil)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="receivables-%s-%s.xlsx"`, from, to))
	_, _ = w.Write(buf.Bytes())
}

func ptr[T any](v T) *T { return &v }
