package booking_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/recur"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
	"jiedai/internal/venue"
)

// TestSeries: a weekly series over the Qingming holiday previews its
// conflicting and holiday dates, refuses to book over a conflict unless
// told to skip it, and cancels from a date on.
func TestSeries(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		blocker := e.mustCreate(t, e.other, e.req("2026-03-17", "09:30", "10:30"))
		r := e.req("2026-03-03", "09:00", "10:00") // Tuesdays
		rule := recur.Rule{Freq: recur.Weekly, Interval: 1, Until: "2026-04-07", SkipHolidays: true}
		occ, err := e.svc.PreviewSeries(ctx, e.staff, r, rule)
		if err != nil {
			t.Fatal(err)
		}
		skips := map[string]string{}
		for _, o := range occ {
			skips[o.Start.In(e.loc).Format("01-02")] = o.Skip
		}
		want := map[string]string{"03-03": "", "03-10": "", "03-17": "conflict", "03-24": "", "03-31": "", "04-07": ""}
		for d, s := range want {
			if skips[d] != s {
				t.Errorf("%s: skip %q, want %q (%v)", d, skips[d], s, skips)
			}
		}
		if _, _, err := e.svc.CreateSeries(ctx, e.staff, r, rule, false); kindOf(err) != errs.Conflict {
			t.Fatalf("series over a conflict: %v", err)
		}
		if got := countActive(t, db, e.room.ID); got != 1 {
			t.Fatalf("a refused series wrote %d bookings", got-1)
		}
		id, out, err := e.svc.CreateSeries(ctx, e.staff, r, rule, true)
		if err != nil {
			t.Fatal(err)
		}
		booked := 0
		for _, o := range out {
			if o.BookingID != 0 {
				booked++
			}
		}
		if booked != 5 || countActive(t, db, e.room.ID) != 6 {
			t.Fatalf("booked %d of the series", booked)
		}
		// Move the rest of the series one hour later from 03-24 on.
		r2 := r
		r2.Start, r2.End = e.at("2026-03-24", "14:00"), e.at("2026-03-24", "15:00")
		if n, err := e.svc.UpdateSeries(ctx, e.staff, id, e.at("2026-03-24", "00:00"), r2); err != nil || n != 3 {
			t.Fatalf("update series: %d %v", n, err)
		}
		list, _ := e.svc.List(ctx, e.staff, booking.Filter{SeriesID: id})
		for _, b := range list {
			hm := b.Start.In(e.loc).Format("15:04")
			if b.Start.Before(e.at("2026-03-24", "00:00")) != (hm == "09:00") {
				t.Errorf("%s starts at %s", b.Start.In(e.loc).Format("01-02"), hm)
			}
		}
		if n, err := e.svc.CancelSeries(ctx, e.staff, id, e.at("2026-03-24", "00:00"), "项目结束"); err != nil || n != 3 {
			t.Fatalf("cancel series: %d %v", n, err)
		}
		if got := countActive(t, db, e.room.ID); got != 3 {
			t.Errorf("%d active after cancelling the rest, want 3", got)
		}
		_ = blocker
		// Holidays: Qingming (2026-04-06, a Monday) is skipped on a Monday series.
		occ, err = e.svc.PreviewSeries(ctx, e.staff, booking.Request{VenueID: e.hall.ID, Start: e.at("2026-03-30", "10:00"), End: e.at("2026-03-30", "11:00"), Title: "周会", Headcount: 5},
			recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 3, SkipHolidays: true})
		if err != nil || len(occ) != 3 || occ[1].Skip != "holiday" {
			t.Errorf("holiday preview: %v %+v", err, occ)
		}
		if _, err := e.svc.PreviewSeries(ctx, e.staff, r, recur.Rule{Freq: recur.Weekly, Interval: 1}); kindOf(err) != errs.Invalid || errs.As(err).Field != "repeat_until" {
			t.Errorf("rule without an end: %v", err)
		}
	})
}

func TestSettlement(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		tea, err := e.venues.SaveAddon(ctx, e.office, 0, venue.Addon{Code: "tea", Name: "标准茶歇", Kind: venue.AddonService, Unit: "person", Client: 3800, Key: 3200, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		r := e.req("2026-03-02", "10:00", "12:00")
		r.Purpose, r.ClientName, r.UnderContract, r.Approve = "client", "华信科技有限公司", true, true
		r.Items = []booking.ItemInput{{AddonID: tea, Qty: 10}}
		b := e.mustCreate(t, e.office, r)
		if b.QuoteFen != 60000+38000 {
			t.Fatalf("quote %d", b.QuoteFen)
		}
		if _, err := e.svc.Settle(ctx, e.office, b.ID, booking.SettleInput{}); kindOf(err) != errs.Conflict {
			t.Errorf("settling before use: %v", err)
		}
		e.clk.Set(e.at("2026-03-02", "12:00"))
		if _, err := e.svc.Complete(ctx, e.office, b.ID); err != nil {
			t.Fatal(err)
		}
		st, err := e.svc.Statement(ctx, e.office, b.ID)
		if err != nil || !st.Draft || st.TotalFen != 98000 {
			t.Fatalf("draft: %v %+v", err, st)
		}
		if _, err := e.svc.Settle(ctx, e.staff, b.ID, booking.SettleInput{}); kindOf(err) != errs.Forbidden {
			t.Errorf("staff settling: %v", err)
		}
		if _, err := e.svc.Settle(ctx, e.office, b.ID, booking.SettleInput{DiscountFen: 100}); kindOf(err) != errs.Invalid {
			t.Errorf("discount without reason: %v", err)
		}
		in := booking.SettleInput{Lines: []booking.ActualLine{{AddonID: tea, Qty: 12}, {Name: "打印资料", Qty: 20, UnitFen: 200}},
			DiscountFen: 5000, DiscountReason: "老客户优惠", PaidFen: 104600, PayMethod: "transfer", InvoiceNo: "04421234", InvoiceDate: "2026-03-03"}
		st, err = e.svc.Settle(ctx, e.office, b.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		// Room 2 h × ¥300 + 12 × ¥38 + 20 × ¥2 − ¥50 = ¥1046.
		if st.Draft || st.TotalFen != 104600 || !st.Paid() || len(st.Lines) != 2 || st.RoomFen != 60000 {
			t.Fatalf("statement %+v", st)
		}
	})
}

func TestUtilisation(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-03", "09:00", "13:00")
		r.Approve = true
		e.mustCreate(t, e.office, r)
		c := e.mustCreate(t, e.staff, e.req("2026-03-04", "09:00", "10:00"))
		if _, err := e.svc.Cancel(ctx, e.staff, c.ID, "", false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Utilisation(ctx, e.staff, e.at("2026-03-01", "00:00")); kindOf(err) != errs.Forbidden {
			t.Errorf("staff reading the report: %v", err)
		}
		rows, err := e.svc.Utilisation(ctx, e.office, e.at("2026-03-15", "00:00"))
		if err != nil {
			t.Fatal(err)
		}
		var room booking.UtilRow
		for _, row := range rows {
			if row.VenueID == e.room.ID {
				room = row
			}
		}
		// Open 08:00–22:00 every day of March: 31 × 14 h.
		if room.OpenHours != 31*14 || room.BookedHours != 4 || room.Bookings != 1 || room.Cancelled != 1 {
			t.Errorf("room: %+v", room)
		}
	})
}

func TestVenueRulesAndRepairs(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		bad := []struct {
			mod   func(in *venue.Input)
			field string
		}{
			{func(in *venue.Input) { in.Name = "" }, "name"},
			{func(in *venue.Input) { in.Capacity = 0 }, "capacity"},
			{func(in *venue.Input) { in.Equipment = []string{"hologram"} }, "equipment"},
			{func(in *venue.Input) { in.OpenFrom, in.OpenTo = 600, 540 }, "open_to_min"},
			{func(in *venue.Input) { in.BufferBefore = -5 }, "buffer_before_min"},
			{func(in *venue.Input) { in.Code = "R1" }, "code"},
		}
		for _, tc := range bad {
			in := venue.Defaults()
			in.Name, in.Capacity = "测试厅", 10
			tc.mod(&in)
			_, err := e.venues.Create(ctx, e.office, in)
			if kindOf(err) != errs.Invalid || errs.As(err).Field != tc.field {
				t.Errorf("want invalid %s, got %v", tc.field, err)
			}
		}
		in := venue.Defaults()
		in.Name, in.Capacity = "测试厅", 10
		if _, err := e.venues.Create(ctx, e.staff, in); kindOf(err) != errs.Forbidden {
			t.Errorf("staff creating a venue: %v", err)
		}
		b := e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		// Anyone reports; engineering puts the room out of use until tomorrow night.
		rp, err := e.venues.ReportRepair(ctx, e.staff, venue.RepairInput{VenueID: e.room.ID, Equipment: "projector", Description: "投影仪不亮"})
		if err != nil || rp.Status != venue.RepairOpen {
			t.Fatalf("report: %v", err)
		}
		eng := e.staff
		eng.Roles = []string{"engineering"}
		if _, err := e.venues.ReportRepair(ctx, e.staff, venue.RepairInput{VenueID: e.room.ID, Description: "x", MaintenanceUntil: e.at("2026-03-04", "00:00")}); kindOf(err) != errs.Invalid {
			t.Errorf("staff closing a room: %v", err)
		}
		rp2, err := e.venues.ReportRepair(ctx, eng, venue.RepairInput{VenueID: e.room.ID, Equipment: "projector", Description: "更换灯泡", MaintenanceUntil: e.at("2026-03-04", "00:00")})
		if err != nil || rp2.MaintenanceID == 0 {
			t.Fatalf("repair with maintenance: %v %+v", err, rp2)
		}
		if _, err := e.svc.Create(ctx, e.staff, e.req("2026-03-03", "14:00", "15:00")); kindOf(err) != errs.Conflict {
			t.Errorf("booking during maintenance: %v", err)
		}
		if open, _ := e.venues.Repairs(ctx, eng, 0, venue.RepairOpen); len(open) != 2 {
			t.Errorf("engineering's queue: %d", len(open))
		}
		if mine, _ := e.venues.Repairs(ctx, e.other, 0, ""); len(mine) != 0 {
			t.Errorf("others see %d repairs", len(mine))
		}
		// Fixed: the maintenance ends now and the room can be booked again.
		if err := e.venues.ResolveRepair(ctx, eng, rp2.ID, venue.RepairFixed, "已更换"); err != nil {
			t.Fatal(err)
		}
		if err := e.venues.ResolveRepair(ctx, eng, rp2.ID, venue.RepairFixed, "again"); kindOf(err) != errs.Conflict {
			t.Errorf("resolving twice: %v", err)
		}
		e.mustCreate(t, e.staff, e.req("2026-03-03", "14:00", "15:00"))
		_ = b
	})
}

func TestCalendarFeeds(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		b := e.mustCreate(t, e.staff, e.req("2026-03-03", "10:00", "11:00"))
		c := e.mustCreate(t, e.staff, e.req("2026-03-04", "10:00", "11:00"))
		if _, err := e.svc.Cancel(ctx, e.staff, c.ID, "", false); err != nil {
			t.Fatal(err)
		}
		tok, err := e.svc.FeedToken(ctx, e.staff)
		if err != nil || len(tok) < 16 {
			t.Fatal(err)
		}
		if again, _ := e.svc.FeedToken(ctx, e.staff); again != tok {
			t.Errorf("feed token changed")
		}
		data, err := e.svc.UserFeed(ctx, tok)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for _, want := range []string{"BEGIN:VCALENDAR\r\n", "TZID=Asia/Shanghai:20260303T100000", "SUMMARY:季度销售例会", "STATUS:TENTATIVE", "STATUS:CANCELLED", "UID:booking-"} {
			if !strings.Contains(s, strings.ReplaceAll(want, "\\r\\n", "\r\n")) {
				t.Errorf("feed lacks %q", want)
			}
		}
		for _, line := range bytes.Split(data, []byte("\r\n")) {
			if len(line) > 75 {
				t.Errorf("line longer than 75 octets: %q", line)
			}
		}
		// A change raises SEQUENCE.
		r := e.req("2026-03-03", "10:30", "11:30")
		if _, err := e.svc.Update(ctx, e.staff, b.ID, r); err != nil {
			t.Fatal(err)
		}
		data, _ = e.svc.UserFeed(ctx, tok)
		if !strings.Contains(string(data), "SEQUENCE:1") {
			t.Errorf("sequence not increased:\n%s", data)
		}
		if _, err := e.svc.UserFeed(ctx, "not-a-real-token-at-all"); kindOf(err) != errs.NotFound {
			t.Errorf("bad token: %v", err)
		}
	})
}

func TestPolicy(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		p := booking.DefaultPolicy()
		p.NoShowMin, p.ReplyWorkdays = 0, 3
		if err := e.svc.SetPolicy(ctx, e.staff, p); kindOf(err) != errs.Forbidden {
			t.Errorf("staff: %v", err)
		}
		bad := p
		bad.CancelFeePercent = 150
		if err := e.svc.SetPolicy(ctx, e.office, bad); kindOf(err) != errs.Invalid || errs.As(err).Field != "cancel_fee_percent" {
			t.Errorf("bad percent: %v", err)
		}
		if err := e.svc.SetPolicy(ctx, e.office, p); err != nil {
			t.Fatal(err)
		}
		r := e.req("2026-03-03", "10:00", "11:00")
		r.Approve = true
		if b := e.mustCreate(t, e.office, r); b.NoShowMin != 0 {
			t.Errorf("no-show release should be off: %d", b.NoShowMin)
		}
		got, _ := e.svc.Policy(ctx, nil)
		if got != p {
			t.Errorf("policy %+v, want %+v", got, p)
		}
		_ = time.Second
	})
}

// TestApproveSeries: the office approves a weekly series in one step: every
// waiting date is decided, none is left for a second click, the requester
// cannot do it, and a date whose start has passed is left to lapse.
func TestApproveSeries(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-03", "09:00", "10:00")
		id, out, err := e.svc.CreateSeries(ctx, e.staff, r, recur.Rule{Freq: recur.Weekly, Interval: 1, Count: 4}, false)
		if err != nil || len(out) != 4 {
			t.Fatalf("series: %v %+v", err, out)
		}
		list, _ := e.svc.List(ctx, e.office, booking.Filter{SeriesID: id})
		for _, b := range list {
			if b.Status != booking.StatusPending {
				t.Fatalf("occurrence %s is %s before approval", b.Start, b.Status)
			}
		}
		if _, _, err := e.svc.ApproveSeries(ctx, e.staff, out[0].BookingID, ""); err == nil {
			t.Fatal("the requester approved their own series")
		}
		// The first date has begun: it can no longer be approved.
		e.clk.Set(e.at("2026-03-03", "09:30"))
		b, n, err := e.svc.ApproveSeries(ctx, e.office, out[1].BookingID, "例会同意")
		if err != nil || n != 3 {
			t.Fatalf("approve series: n=%d err=%v", n, err)
		}
		if b.Status != booking.StatusConfirmed {
			t.Errorf("the booking approved through its series is %s", b.Status)
		}
		list, _ = e.svc.List(ctx, e.office, booking.Filter{SeriesID: id})
		for _, b := range list {
			want := booking.StatusConfirmed
			if b.ID == out[0].BookingID {
				want = booking.StatusPending
			}
			if b.Status != want {
				t.Errorf("occurrence %s is %s, want %s", b.Start.In(e.loc).Format("01-02"), b.Status, want)
			}
		}
		if _, _, err := e.svc.ApproveSeries(ctx, e.office, out[1].BookingID, ""); kindOf(err) != errs.Conflict {
			t.Errorf("approving a series with nothing left to decide: %v", err)
		}
	})
}
