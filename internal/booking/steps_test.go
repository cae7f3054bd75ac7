package booking_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/auth"
	"jiedai/internal/booking"
	"jiedai/internal/errs"
	"jiedai/internal/i18n"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// mail is one e-mail the booking service sent to an outside address.
type mail struct {
	to, key, link string
	args          map[string]any
}

func (e *env) captureMail() *[]mail {
	var sent []mail
	e.svc.Mail = func(_ context.Context, _ store.Querier, _ time.Time, to, key string, args map[string]any, link string) (bool, error) {
		sent = append(sent, mail{to: to, key: key, link: link, args: args})
		return true, nil
	}
	return &sent
}

// TestRoomRules: the office writes the rules per language; a language
// left empty falls back to zh-Hans; others may not change them; too many
// or too long rules are refused naming the field; the letter carries them.
func TestRoomRules(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		if _, err := e.svc.SetRoomRules(ctx, e.staff, booking.RoomRules{ZhHans: "禁止吸烟"}); kindOf(err) != errs.Forbidden {
			t.Fatalf("staff set rules: %v", err)
		}
		got, err := e.svc.SetRoomRules(ctx, e.office, booking.RoomRules{ZhHans: " 禁止吸烟 \n\n请提前15分钟到场\n", En: "No smoking\nArrive 15 minutes early"})
		if err != nil {
			t.Fatal(err)
		}
		if got.ZhHans != "禁止吸烟\n请提前15分钟到场" {
			t.Errorf("stored %q", got.ZhHans)
		}
		r, err := e.svc.RoomRules(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if l := r.Lines(i18n.ZhHant); len(l) != 2 || l[0] != "禁止吸烟" {
			t.Errorf("zh-Hant falls back to zh-Hans: %q", l)
		}
		if l := r.Lines(i18n.En); len(l) != 2 || l[1] != "Arrive 15 minutes early" {
			t.Errorf("en: %q", l)
		}
		_, err = e.svc.SetRoomRules(ctx, e.office, booking.RoomRules{ZhHans: strings.Repeat("规则\n", booking.MaxRuleLines+1), En: strings.Repeat("x", booking.MaxRuleLen+1)})
		fields := map[string]bool{}
		if list, ok := errs.As(err).Extra.([]*errs.Error); ok {
			for _, fe := range list {
				fields[fe.Field] = true
			}
		}
		if !fields["rules_zh_hans"] || !fields["rules_en"] {
			t.Errorf("bad rules: %v fields %v", err, fields)
		}
		if r2, _ := e.svc.RoomRules(ctx, nil); r2 != r {
			t.Errorf("refused change was written: %+v", r2)
		}
		b := e.mustCreate(t, e.office, e.req("2026-03-10", "14:00", "16:00"))
		l, err := e.svc.Letter(ctx, e.office, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Rules) != 2 || l.Rules[0] != "禁止吸烟" || len(l.RulesEn) != 2 || l.RulesEn[0] != "No smoking" {
			t.Errorf("letter rules %q / %q", l.Rules, l.RulesEn)
		}
	})
}

// TestLetterMailed: accepting a client booking e-mails the letter to the
// contact with the confirm link; an internal booking or one without an
// address sends none; a booking confirmed at once (under contract) is
// mailed without a link.
func TestLetterMailed(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		sent := e.captureMail()
		if _, err := e.svc.SetRoomRules(ctx, e.office, booking.RoomRules{ZhHans: "禁止吸烟"}); err != nil {
			t.Fatal(err)
		}
		r := e.req("2026-03-10", "14:00", "16:00")
		r.Purpose, r.ClientName, r.ContactName, r.ContactEmail = "client", "华信科技有限公司", "张伟", "zhang.wei@example.com"
		b := e.mustCreate(t, e.office, r)
		if len(*sent) != 0 {
			t.Fatalf("mailed before the decision: %+v", *sent)
		}
		b, err := e.svc.Approve(ctx, e.office, b.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(*sent) != 1 {
			t.Fatalf("sent %d mails", len(*sent))
		}
		m := (*sent)[0]
		l, _ := e.svc.Letter(ctx, e.office, b.ID)
		if m.to != "zhang.wei@example.com" || m.key != "booking.msg.letter" || m.link == "" || m.link != l.ConfirmPath {
			t.Errorf("mail %+v, letter confirm path %q", m, l.ConfirmPath)
		}
		if m.args["number"] != l.Number || m.args["reply_by"] == nil {
			t.Errorf("mail args %+v", m.args)
		}
		if _, err := e.svc.LetterByToken(ctx, strings.TrimPrefix(m.link, "/confirm/")); err != nil {
			t.Errorf("the mailed link does not open the letter: %v", err)
		}
		// Internal, and client without an address: nothing.
		in := e.mustCreate(t, e.office, e.req("2026-03-11", "09:00", "10:00"))
		if _, err := e.svc.Approve(ctx, e.office, in.ID, ""); err != nil {
			t.Fatal(err)
		}
		r2 := e.req("2026-03-12", "09:00", "10:00")
		r2.Purpose, r2.ClientName = "client", "华信科技有限公司"
		nb := e.mustCreate(t, e.office, r2)
		if _, err := e.svc.Approve(ctx, e.office, nb.ID, ""); err != nil {
			t.Fatal(err)
		}
		if len(*sent) != 1 {
			t.Fatalf("mails for internal or address-less bookings: %+v", (*sent)[1:])
		}
		// Under contract: confirmed at once, mailed without a link.
		r3 := e.req("2026-03-13", "09:00", "10:00")
		r3.Purpose, r3.ClientName, r3.ContactEmail, r3.UnderContract, r3.ContractNo = "client", "华信科技有限公司", "li@example.com", true, "HT-2026-01"
		cb := e.mustCreate(t, e.office, r3)
		if cb, err = e.svc.Approve(ctx, e.office, cb.ID, ""); err != nil || cb.Status != booking.StatusConfirmed {
			t.Fatalf("approve under contract: %v %s", err, cb.Status)
		}
		if len(*sent) != 2 || (*sent)[1].key != "booking.msg.letter_confirmed" || (*sent)[1].link != "" {
			t.Errorf("under contract mail: %+v", *sent)
		}
	})
}

// TestBumpTellsAlternatives: a client booking displaced by an urgent one
// is told, with alternatives that can hold its meeting (not the 6-seat
// room for 10 people), in the inbox and by e-mail to its contact.
func TestBumpTellsAlternatives(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		sent := e.captureMail()
		r := e.req("2026-03-03", "10:00", "11:00")
		r.Purpose, r.ClientName, r.ContactEmail, r.Headcount = "client", "华信科技有限公司", "zhang.wei@example.com", 10
		low := e.mustCreate(t, e.office, r)
		e.notes = nil
		hi := e.req("2026-03-03", "10:00", "12:00")
		hi.Title, hi.Priority, hi.Bump = "董事会临时会议", "urgent", true
		e.mustCreate(t, e.office, hi)
		if len(e.notes) != 1 || e.notes[0] != "booking.msg.bumped_alts" {
			t.Fatalf("inbox notices %v", e.notes)
		}
		if len(*sent) != 1 || (*sent)[0].to != "zhang.wei@example.com" || (*sent)[0].key != "booking.msg.bumped_alts" {
			t.Fatalf("mails %+v", *sent)
		}
		text, _ := (*sent)[0].args["alternatives"].(string)
		if !strings.Contains(text, e.hall.Name) {
			t.Errorf("the hall fits and is free: %q", text)
		}
		if strings.Contains(text, e.small.Name) {
			t.Errorf("the 6-seat room was offered for 10 people: %q", text)
		}
		// The same room at 10:00–11:00 is taken by the urgent meeting now.
		if strings.Contains(text, e.room.Name+"（12）2026-03-03 10:00") || strings.Contains(text, e.room.Name+"（12）2026-03-03 11:00") {
			t.Errorf("a slot inside the urgent meeting was offered: %q", text)
		}
		if low, _ = e.svc.Get(ctx, e.office, low.ID); low.Status != booking.StatusBumped {
			t.Errorf("displaced booking is %s", low.Status)
		}
	})
}

// TestAssignDuty: a run-sheet duty goes to a named engineer, who is told
// and reminded; a person outside the department is refused naming the
// field; staff outside the department may not assign; a task of another
// booking is not found through this one.
func TestAssignDuty(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		r := e.req("2026-03-09", "14:00", "16:00")
		r.Purpose, r.ClientName, r.UnderContract, r.Approve = "client", "华信科技有限公司", true, true
		b := e.mustCreate(t, e.office, r)
		duties, err := e.svc.Duties(ctx, e.office, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		var eng booking.RunSheetDuty
		for _, d := range duties {
			if d.Role == "engineering" {
				eng = d
				break
			}
		}
		if eng.ID == 0 || eng.CanAssign {
			t.Fatalf("engineering duty %+v (the office may not give another department's duty)", eng)
		}
		people, err := e.svc.DutyPeople(ctx, "engineering")
		if err != nil || len(people) != 1 {
			t.Fatalf("engineers %v %v", people, err)
		}
		var engineer access.Actor
		var service int64
		if err := db.QueryRow(ctx, `SELECT id FROM users WHERE username = 'service'`).Scan(&service); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT id FROM users WHERE username = 'engineering'`).Scan(&engineer.UserID); err != nil {
			t.Fatal(err)
		}
		engineer.Roles = []string{access.Engineering}
		if _, err := e.svc.AssignDuty(ctx, e.staff, b.ID, eng.ID, people[0].ID, 0); kindOf(err) != errs.Forbidden {
			t.Fatalf("staff assigned: %v", err)
		}
		if _, err := e.svc.AssignDuty(ctx, engineer, b.ID, eng.ID, service, 0); errs.As(err).Field != "owner_id" {
			t.Fatalf("service person on an engineering duty: %v", err)
		}
		other := e.mustCreate(t, e.office, e.req("2026-03-10", "09:00", "10:00"))
		if _, err := e.svc.AssignDuty(ctx, engineer, other.ID, eng.ID, people[0].ID, 0); kindOf(err) != errs.NotFound {
			t.Fatalf("duty through another booking: %v", err)
		}
		e.notes = nil
		// The department's own people give it to one of theirs (here the
		// engineer takes it).
		tk, err := e.svc.AssignDuty(ctx, engineer, b.ID, eng.ID, people[0].ID, 0)
		if err != nil || tk.OwnerID != people[0].ID {
			t.Fatalf("engineer assigned: %+v %v", tk, err)
		}
		if len(e.notes) != 0 {
			t.Errorf("told oneself: %v", e.notes)
		}
		if _, err := e.svc.AssignDuty(ctx, engineer, b.ID, eng.ID, 0, 0); err != nil {
			t.Fatalf("back to the queue: %v", err)
		}
		if tk, err = e.svc.AssignDuty(ctx, e.office, b.ID, eng.ID, people[0].ID, 0); kindOf(err) != errs.Forbidden {
			t.Fatalf("office gave an engineering duty: %v", err)
		}
		sup := e.mustUser(t, "sup", access.Supervisor)
		if tk, err = e.svc.AssignDuty(ctx, sup, b.ID, eng.ID, people[0].ID, 0); err != nil || tk.OwnerID != people[0].ID {
			t.Fatalf("supervisor assigned: %+v %v", tk, err)
		}
		if len(e.notes) != 1 || e.notes[0] != "booking.msg.duty_assigned" {
			t.Errorf("assignee not told: %v", e.notes)
		}
		duties, _ = e.svc.Duties(ctx, e.office, b.ID)
		for _, d := range duties {
			if d.ID == eng.ID && d.OwnerName != "engineering" {
				t.Errorf("owner name %q", d.OwnerName)
			}
		}
	})
}

// TestSeats: the requester or the office sets the seat list; another
// member of staff may not; a seat listed twice is refused; a finished
// booking's plan stays.
func TestSeats(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		b := e.mustCreate(t, e.staff, e.req("2026-03-10", "14:00", "16:00"))
		seats, err := booking.ParseSeats("seats", "主1, 张伟, 华信科技总经理\n主2，李娜\n")
		if err != nil || len(seats) != 2 {
			t.Fatalf("parse %v %v", seats, err)
		}
		if _, err := booking.ParseSeats("seats", "主1\n"); errs.As(err).Field != "seats" || errs.As(err).Args["line"] != 1 {
			t.Fatalf("bad line: %#v", errs.As(err))
		}
		if _, err := e.svc.SetSeats(ctx, e.other, b.ID, seats); kindOf(err) != errs.Forbidden {
			t.Fatalf("other staff set seats: %v", err)
		}
		if _, err := e.svc.SetSeats(ctx, e.staff, b.ID, append(seats, booking.Seat{Seat: "主1", Name: "王强"})); errs.As(err).Key != "err.booking_seat_twice" {
			t.Fatalf("seat twice: %v", err)
		}
		if _, err := e.svc.SetSeats(ctx, e.staff, b.ID, seats); err != nil {
			t.Fatal(err)
		}
		got, err := e.svc.Seats(ctx, e.office, b.ID)
		if err != nil || len(got) != 2 || got[0] != seats[0] || got[1].Name != "李娜" {
			t.Fatalf("seats %+v %v", got, err)
		}
		if _, err := e.svc.Cancel(ctx, e.staff, b.ID, "", false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.SetSeats(ctx, e.staff, b.ID, nil); kindOf(err) != errs.Conflict {
			t.Fatalf("seats of a cancelled booking: %v", err)
		}
		if ok, err := e.svc.AttachmentGuard(ctx, e.client, b.ID); ok || err != nil {
			t.Errorf("a client of no organisation sees the booking's files: %v %v", ok, err)
		}
	})
}

// mustUser creates an active user holding roles.
func (e *env) mustUser(t *testing.T, name string, roles ...string) access.Actor {
	t.Helper()
	u, err := auth.New(e.db, e.clk).Create(context.Background(), access.SystemActor(), auth.UserInput{Username: name, DisplayName: name, Password: "password-123", Roles: roles, Active: true})
	if err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u.Actor("127.0.0.1")
}
