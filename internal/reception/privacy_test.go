package reception_test

import (
	"strings"
	"testing"
	"time"

	"jiedai/internal/approval"
	"jiedai/internal/errs"
	"jiedai/internal/reception"
	"jiedai/internal/store"
	"jiedai/internal/storetest"
)

// caseIn makes a case for a visit on date (at least five working days
// ahead) and brings it to the status: planning, ready, ongoing or wrapup.
func (f *fixture) caseIn(date, status string) reception.Reception {
	f.t.Helper()
	ctx, svc, u := f.ctx, f.svc, f.u
	r, err := svc.Create(ctx, u["xiaoming"], f.application(date))
	f.must(err)
	_, err = svc.Submit(ctx, u["xiaoming"], r.ID)
	f.must(err)
	r, err = svc.Decide(ctx, u["boss"], r.ID, approval.Approve, "")
	f.must(err)
	if r.Status != reception.StatusPlanning {
		f.t.Fatalf("case %d: %s after approval", r.ID, r.Status)
	}
	steps := []struct {
		to string
		do func() (reception.Reception, error)
	}{
		{reception.StatusPlanReview, func() (reception.Reception, error) {
			ds, err := svc.Duties(ctx, u["wang"], r.ID)
			f.must(err)
			for _, d := range ds {
				f.must(svc.AssignDuty(ctx, u["wang"], d.ID, u["zhao"].UserID, 0, d.Offset, d.At))
			}
			day := r.Visit(shanghai)
			f.bookRoom(r.ID, day.Add(14*time.Hour), day.Add(15*time.Hour))
			return svc.SubmitPlan(ctx, u["wang"], r.ID)
		}},
		{reception.StatusReady, func() (reception.Reception, error) { return svc.Decide(ctx, u["liu"], r.ID, approval.Approve, "") }},
		{reception.StatusOngoing, func() (reception.Reception, error) { return svc.Start(ctx, u["wang"], r.ID) }},
		{reception.StatusWrapUp, func() (reception.Reception, error) { return svc.Finish(ctx, u["wang"], r.ID) }},
	}
	for _, st := range steps {
		if r.Status == status {
			break
		}
		r, err = st.do()
		f.must(err)
		if r.Status != st.to {
			f.t.Fatalf("case %d: %s, want %s", r.ID, r.Status, st.to)
		}
	}
	return r
}

// TestIDNumberRetention: an ID number can no longer be added once the
// visit is over, and the purge erases every ID number past retention, also
// of a case it purged before.
func TestIDNumberRetention(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 3, 2, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u
		r := f.caseIn("2026-03-10", reception.StatusReady)
		g, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "周敏", IDNumber: "330106198803150018"})
		f.must(err)
		// A second case is never started: its visit date passes all the same.
		idle := f.caseIn("2026-03-11", reception.StatusReady)
		_, err = svc.AddGuest(ctx, u["wang"], idle.ID, reception.GuestInput{Name: "孙悦", IDNumber: "330106198803150018"})
		f.must(err)
		f.clk.Set(at(2026, 3, 10, 9, 0))
		_, err = svc.SignIn(ctx, u["chen"], g.ID, reception.GuestInput{})
		f.must(err)
		_, err = svc.Finish(ctx, u["wang"], r.ID)
		f.must(err)

		// The visit is over: no new ID number, by adding or editing a guest.
		if _, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "钱进", IDNumber: "11010519491231002X"}); fieldErrs(err)["id_number"] != "err.privacy.id_after_visit" {
			t.Fatalf("adding a guest's ID number after the visit: %v", err)
		}
		if err := svc.UpdateGuest(ctx, u["wang"], g.ID, reception.GuestInput{Name: "周敏", IDNumber: "11010519491231002X"}); fieldErrs(err)["id_number"] != "err.privacy.id_after_visit" {
			t.Fatalf("changing a guest's ID number after the visit: %v", err)
		}
		// Editing other details keeps the number on file.
		f.must(svc.UpdateGuest(ctx, u["wang"], g.ID, reception.GuestInput{Name: "周敏", Title: "经理"}))
		_, err = svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "钱进"})
		f.must(err)

		// Past retention the number is erased; one written later (here
		// straight into the table, as an older version allowed) is erased
		// by the next run although the case is marked purged.
		f.clk.Set(at(2026, 4, 20, 9, 0))
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 2 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if _, err := db.Exec(ctx, `UPDATE reception_guests SET id_number = '11010519491231002X' WHERE id = ?`, g.ID); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 1 {
			t.Fatalf("second purge: %d %v", n, err)
		}
		var left int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM reception_guests WHERE id_number <> ''`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != 0 {
			t.Fatalf("%d ID numbers kept past retention", left)
		}
		if n, err := svc.PurgeIDs(ctx); err != nil || n != 0 {
			t.Fatalf("nothing left to purge: %d %v", n, err)
		}
	})
}

// TestGuestContactsForCaseWorkers: a guest's mobile number, e-mail, ID
// number and note are read by those working on the case (its applicant,
// the office, supervisors, the people on its division of labour); other
// staff see the names only and cannot search by mobile number.
func TestGuestContactsForCaseWorkers(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 3, 2, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u
		r := f.caseIn("2026-03-10", reception.StatusReady)
		g, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "周敏", Mobile: "13912345678", Email: "zhou@example.com", IDNumber: "330106198803150018", Note: "素食"})
		f.must(err)
		sees := func(who string, want bool) {
			t.Helper()
			list, err := svc.Guests(ctx, u[who], r.ID, "")
			f.must(err)
			one, err := svc.Guest(ctx, u[who], g.ID)
			f.must(err)
			found, err := svc.Guests(ctx, u[who], r.ID, "1391234")
			f.must(err)
			var got reception.Guest
			for _, x := range list {
				if x.ID == g.ID {
					got = x
				}
			}
			full := got.Mobile == "13912345678" && got.Email != "" && got.IDMasked != "" && got.Note != ""
			if full != want || (one.Mobile != "") != want || (len(found) == 1) != want || got.Name != "周敏" || got.ContactsHidden == want {
				t.Errorf("%s: list %+v, one %+v, found by mobile %d; want contacts %v", who, got, one, len(found), want)
			}
		}
		for _, who := range []string{"xiaoming", "wang", "zhao", "li"} {
			sees(who, true)
		}
		for _, who := range []string{"chen", "liu", "boss"} {
			sees(who, false)
		}
		// Given a line of the division of labour, the receptionist works on the case.
		ds, err := svc.Duties(ctx, u["wang"], r.ID)
		f.must(err)
		f.must(svc.AssignDuty(ctx, u["wang"], ds[0].ID, u["chen"].UserID, 0, ds[0].Offset, ds[0].At))
		sees("chen", true)
	})
}

// auditText is every payload of the audit log, for looking for values.
func auditText(t *testing.T, f *fixture) string {
	t.Helper()
	rows, err := f.db.Query(f.ctx, `SELECT before_json || ' ' || after_json FROM audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

// TestEraseGuest: the office erases a guest on their request (PIPL): the
// personal fields are blank on the guest list and in the older audit
// rows, the erasure is audited, the invitation link stops working and the
// head count stays; a guest whose card became a client contact is erased
// as that contact, everywhere. Others may not erase; the audit log stays
// append-only for everything else.
func TestEraseGuest(t *testing.T) {
	storetest.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, at(2026, 3, 2, 9, 0))
		ctx, svc, u := f.ctx, f.svc, f.u
		f.cs.OnErase(svc.EraseContactGuests)
		svc.EraseContact = f.cs.EraseContactTx
		r := f.caseIn("2026-03-10", reception.StatusReady)
		g, err := svc.AddGuest(ctx, u["wang"], r.ID, reception.GuestInput{Name: "欧阳明月", Mobile: "13912345678", Email: "ouyang@example.com", IDNumber: "330106198803150018", Note: "对坚果过敏"})
		f.must(err)
		f.must(svc.UpdateGuest(ctx, u["wang"], g.ID, reception.GuestInput{Name: "欧阳明月", Title: "财务总监", Mobile: "13912345678", Email: "ouyang@example.com", Note: "对坚果过敏"}))
		before, err := svc.Guests(ctx, u["wang"], r.ID, "")
		f.must(err)
		secrets := []string{"欧阳明月", "13912345678", "ouyang@example.com", "330106", "对坚果过敏"}
		// The audit engine masks mobiles and e-mails as it writes; the name
		// and the note are there in full until the erasure.
		if text := auditText(t, f); !strings.Contains(text, "欧阳明月") || !strings.Contains(text, "对坚果过敏") || strings.Contains(text, "13912345678") {
			t.Fatalf("fixture: the audit log should hold the name and note, the mobile masked: %s", text)
		}

		if err := svc.EraseGuest(ctx, u["chen"], g.ID); kind(err) != errs.Forbidden {
			t.Fatalf("the receptionist erasing: %v", err)
		}
		f.must(svc.EraseGuest(ctx, u["wang"], g.ID))
		if err := svc.EraseGuest(ctx, u["wang"], g.ID); kind(err) != errs.Conflict {
			t.Fatalf("erasing twice: %v", err)
		}
		after, err := svc.Guests(ctx, u["wang"], r.ID, "")
		f.must(err)
		if len(after) != len(before) {
			t.Fatalf("guest list %d lines, was %d", len(after), len(before))
		}
		got, err := svc.Guest(ctx, u["wang"], g.ID)
		f.must(err)
		if got.Name != "" || got.Title != "" || got.Mobile != "" || got.Email != "" || got.HasID || got.Note != "" || got.ErasedAt.IsZero() {
			t.Fatalf("erased guest: %+v", got)
		}
		text := auditText(t, f)
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("the audit log still holds %q", s)
			}
		}
		var n int
		f.must(db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = ? AND entity_id = ? AND action = 'erase_guest' AND actor_id = ?`, reception.Entity, r.ID, u["wang"].UserID).Scan(&n))
		if n != 1 {
			t.Fatalf("erasure audited %d times", n)
		}
		if _, err := svc.Invitation(ctx, g.Token); kind(err) != errs.NotFound {
			t.Fatalf("the erased guest's invitation link: %v", err)
		}
		if err := svc.UpdateGuest(ctx, u["wang"], g.ID, reception.GuestInput{Name: "欧阳明月"}); kind(err) != errs.Conflict {
			t.Fatalf("editing an erased guest: %v", err)
		}

		// A guest who signed in handed over a card: they are a client
		// contact, erased with every guest line of theirs.
		f.clk.Set(at(2026, 3, 10, 9, 0))
		principal := before[0]
		_, err = svc.SignIn(ctx, u["chen"], principal.ID, reception.GuestInput{Mobile: "13800001111", Email: "zhang@example.com"})
		f.must(err)
		signed, err := svc.Guest(ctx, u["wang"], principal.ID)
		f.must(err)
		if signed.ContactID == 0 {
			t.Fatalf("no contact from the card: %+v", signed)
		}
		f.must(svc.EraseGuest(ctx, u["li"], principal.ID))
		c, err := f.cs.Contact(ctx, u["wang"], signed.ContactID)
		f.must(err)
		if c.Name != "" || c.Mobile != "" || c.Email != "" || c.ErasedAt.IsZero() {
			t.Fatalf("the contact was not erased: %+v", c)
		}
		if text := auditText(t, f); strings.Contains(text, "13800001111") || strings.Contains(text, "zhang@example.com") {
			t.Errorf("the audit log still holds the contact's details")
		}
		f.must(db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'client_contact' AND entity_id = ? AND action = 'erase'`, c.ID).Scan(&n))
		if n != 1 {
			t.Fatalf("contact erasure audited %d times", n)
		}
		count, err := svc.Guests(ctx, u["wang"], r.ID, "")
		f.must(err)
		if reception.CountOf(count).Arrived != 1 {
			t.Fatalf("the erased guest's arrival is no longer counted: %+v", reception.CountOf(count))
		}

		// The audit log is append-only for all but an erasure's payloads.
		if _, err := db.Exec(ctx, `UPDATE audit_log SET action = 'x' WHERE id = (SELECT MIN(audit_id) FROM audit_erasures)`); err == nil {
			t.Error("an erased audit row's action could be changed")
		}
		if _, err := db.Exec(ctx, `UPDATE audit_log SET after_json = '' WHERE id NOT IN (SELECT audit_id FROM audit_erasures)`); err == nil {
			t.Error("an audit row's payload could be changed")
		}
		if _, err := db.Exec(ctx, `DELETE FROM audit_log`); err == nil {
			t.Error("audit rows could be deleted")
		}
	})
}
