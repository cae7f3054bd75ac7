package web

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

var shanghaiLoc = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return l
}()

// FuzzParseMeetingForm feeds arbitrary form bodies to the meeting form
// parser: it never panics, keeps no more agenda items or attendees than
// rows were posted, and reads times in the site zone.
func FuzzParseMeetingForm(f *testing.F) {
	f.Add("type=key_account&title=%E6%B4%BD%E8%B0%88&start_at=2026-03-03T10:00&end_at=2026-03-03T11:30&host_id=3&agenda_topic=A&agenda_minutes=20&agenda_id=&agenda_presenter=&att_kind=required&att_user=4&cc=2")
	f.Add("agenda_topic=&agenda_topic=B&agenda_minutes=x&att_kind=invited&att_name=%E5%BC%A0%E4%BC%9F&att_org=X")
	f.Add("start_at=2026-13-40T99:99&host_id=-1&client_org_id=abc&cc=0&cc=-5")
	f.Add("agenda_topic=A&agenda_topic=B&agenda_minutes=1")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, _ := ParseMeetingForm(form, shanghaiLoc)
		if len(in.Agenda) > len(form["agenda_topic"]) || len(in.Attendees) > len(form["att_kind"]) || len(in.CC) > len(form["cc"]) {
			t.Fatalf("more rows parsed than posted: %+v", in)
		}
		for _, it := range in.Agenda {
			if strings.TrimSpace(it.Topic) == "" {
				t.Fatal("blank agenda row kept")
			}
		}
		if v := form.Get("start_at"); v != "" && !in.StartAt.IsZero() {
			got := in.StartAt.In(shanghaiLoc).Format(dateTimeLayout)
			if back, err := time.ParseInLocation(dateTimeLayout, got, shanghaiLoc); err != nil || !back.Equal(in.StartAt) {
				t.Fatalf("start %q read as %v, shown as %q", v, in.StartAt, got)
			}
		}
	})
}

// FuzzParseMinutesForm: the minutes editor's parser never panics and keeps
// only decisions with text and points for positive agenda ids.
func FuzzParseMinutesForm(f *testing.F) {
	f.Add("topic=T&point_12=a&point_x=b&dec_text=d1&dec_id=3&dec_agenda=12&dec_text=&dec_id=")
	f.Add("point_-1=z&point_0=z&dec_text=%20&dec_agenda=abc")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in := ParseMinutesForm(form)
		for id := range in.Points {
			if id <= 0 {
				t.Fatalf("point for agenda id %d", id)
			}
		}
		for _, d := range in.Decisions {
			if strings.TrimSpace(d.Text) == "" {
				t.Fatal("empty decision kept")
			}
		}
	})
}

// FuzzParseActionForm: dates become 09:00 and 18:00 of the day in the site
// zone; bad input is an error, never a panic.
func FuzzParseActionForm(f *testing.F) {
	f.Add("resolution_id=1&goal=g&standard=s&owner_id=2&start_on=2026-03-04&due_on=2026-03-10")
	f.Add("owner_id=x&start_on=2026-02-30&due_on=10/03/2026")
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		in, err := ParseActionForm(form, shanghaiLoc)
		if err != nil {
			return
		}
		if !in.DueAt.IsZero() && in.DueAt.In(shanghaiLoc).Hour() != 18 {
			t.Fatalf("due %v not at 18:00", in.DueAt)
		}
		if !in.StartAt.IsZero() && in.StartAt.In(shanghaiLoc).Hour() != 9 {
			t.Fatalf("start %v not at 09:00", in.StartAt)
		}
	})
}

// TestFenTextReadsBack: amounts shown in the negotiation form read back
// to the same fen.
func TestFenTextReadsBack(t *testing.T) {
	for _, fen := range []int64{0, 1, 99, 100, 1250, 1205, 120000, 4500000000} {
		back, err := ParseYuan(fenText(fen))
		if err != nil || back != fen {
			t.Errorf("%d fen shown as %q reads back as %d (%v)", fen, fenText(fen), back, err)
		}
	}
}
