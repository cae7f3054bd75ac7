package ics_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the host's zoneinfo
	"unicode/utf8"

	"jiedai/internal/ics"
	"jiedai/internal/ics/icstest"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// sampleCalendar is a feed with Chinese text long enough to fold, every
// escaped character and one cancelled event.
func sampleCalendar(t testing.TB) ics.Calendar {
	loc := shanghai(t)
	created := time.Date(2026, 3, 1, 10, 0, 0, 0, loc)
	modified := time.Date(2026, 3, 2, 11, 30, 0, 0, loc)
	return ics.Calendar{
		ProdID: "-//Jiedai//Jiedai 接待//ZH",
		Name:   "上海总部·会议室预订",
		TZID:   "Asia/Shanghai",
		Events: []ics.Event{
			{
				UID:          "booking-1001@jiedai.example.cn",
				Sequence:     2,
				Start:        time.Date(2026, 3, 10, 9, 0, 0, 0, loc),
				End:          time.Date(2026, 3, 10, 10, 30, 0, 0, loc),
				Summary:      "客户来访：华东区供应链合作洽谈会议（第二轮），请提前十分钟到达前台签到领取访客证",
				Description:  "议程：\n1. 介绍; 2. 报价, 讨论\\总结\r\n联系人：王经理 138-0000-0000",
				Location:     "上海市浦东新区世纪大道100号 12楼 1201会议室（长江厅）",
				Status:       ics.StatusConfirmed,
				Created:      created,
				LastModified: modified,
				URL:          "https://jiedai.example.cn/bookings/1001",
				Organizer:    "王经理 <wang@example.cn>",
				Attendees: []ics.Attendee{
					{Name: "李四, 财务部", Address: "li@example.cn", PartStat: ics.PartAccepted},
					{Name: "赵六", Address: "mailto:zhao@example.cn", Optional: true},
				},
			},
			{
				UID:          "booking-1002@jiedai.example.cn",
				Sequence:     1,
				Start:        time.Date(2026, 3, 11, 14, 0, 0, 0, loc),
				End:          time.Date(2026, 3, 11, 15, 0, 0, 0, loc),
				Summary:      "已取消：季度复盘",
				Location:     "黄河厅",
				Status:       ics.StatusCancelled,
				Created:      created,
				LastModified: modified,
			},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update if intended)\ngot:\n%s", path, got)
	}
}

func TestWriteGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := ics.Write(&buf, sampleCalendar(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "feed.ics", buf.Bytes())
}

func TestWriteInviteGolden(t *testing.T) {
	for _, method := range []string{ics.MethodRequest, ics.MethodCancel} {
		t.Run(method, func(t *testing.T) {
			c := sampleCalendar(t)
			c.Events = c.Events[:1]
			var buf bytes.Buffer
			if err := ics.WriteInvite(&buf, c, method); err != nil {
				t.Fatal(err)
			}
			golden(t, "invite_"+strings.ToLower(method)+".ics", buf.Bytes())
			props := properties(t, buf.String())
			if got := props["METHOD"]; len(got) != 1 || got[0] != method {
				t.Errorf("METHOD = %q, want %q", got, method)
			}
		})
	}
}

func TestLinesFoldedCRLF(t *testing.T) {
	var buf bytes.Buffer
	if err := ics.Write(&buf, sampleCalendar(t)); err != nil {
		t.Fatal(err)
	}
	checkPhysicalLines(t, buf.String())
	if !strings.Contains(buf.String(), "\r\n ") {
		t.Error("sample should contain at least one folded line")
	}
}

// checkPhysicalLines fails unless s is CRLF-terminated lines of at most 75
// octets of valid UTF-8 with no bare CR or LF.
func checkPhysicalLines(t testing.TB, s string) {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end with CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d is not valid UTF-8: %q", i+1, line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d contains a bare CR or LF: %q", i+1, line)
		}
	}
}

func TestUnfoldRecoversChinese(t *testing.T) {
	c := sampleCalendar(t)
	var buf bytes.Buffer
	if err := ics.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	props := properties(t, buf.String())
	ev := c.Events[0]
	for name, want := range map[string]string{
		"SUMMARY":       ev.Summary,
		"LOCATION":      ev.Location,
		"X-WR-CALNAME":  c.Name,
		"PRODID":        c.ProdID,
		"X-WR-TIMEZONE": "Asia/Shanghai",
	} {
		got := props[name]
		if len(got) == 0 || unescape(got[0]) != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	wantDesc := strings.ReplaceAll(ev.Description, "\r\n", "\n")
	if got := props["DESCRIPTION"]; len(got) == 0 || unescape(got[0]) != wantDesc {
		t.Errorf("DESCRIPTION = %q, want %q", got, wantDesc)
	}
}

func TestEscaping(t *testing.T) {
	loc := shanghai(t)
	c := ics.Calendar{TZID: "Asia/Shanghai", Events: []ics.Event{{
		UID:     "esc@x",
		Start:   time.Date(2026, 1, 5, 9, 0, 0, 0, loc),
		End:     time.Date(2026, 1, 5, 10, 0, 0, 0, loc),
		Summary: `a,b;c\d` + "\ne\r\nf\rg:h\"i",
		Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}}}
	var buf bytes.Buffer
	if err := ics.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	const want = `SUMMARY:a\,b\;c\\d\ne\nf\ng:h"i` + "\r\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, buf.String())
	}
}

func TestCancelledStatus(t *testing.T) {
	var buf bytes.Buffer
	if err := ics.Write(&buf, sampleCalendar(t)); err != nil {
		t.Fatal(err)
	}
	props := properties(t, buf.String())
	got := props["STATUS"]
	if len(got) != 2 || got[0] != "CONFIRMED" || got[1] != "CANCELLED" {
		t.Errorf("STATUS values = %q, want [CONFIRMED CANCELLED]", got)
	}

	// CANCEL invitations are always STATUS:CANCELLED.
	c := sampleCalendar(t)
	c.Events = c.Events[:1]
	buf.Reset()
	if err := ics.WriteInvite(&buf, c, "cancel"); err != nil {
		t.Fatal(err)
	}
	if got := properties(t, buf.String())["STATUS"]; len(got) != 1 || got[0] != "CANCELLED" {
		t.Errorf("CANCEL invite STATUS = %q", got)
	}
}

func TestTimes(t *testing.T) {
	var buf bytes.Buffer
	if err := ics.Write(&buf, sampleCalendar(t)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"DTSTART;TZID=Asia/Shanghai:20260310T090000\r\n",
		"DTEND;TZID=Asia/Shanghai:20260310T103000\r\n",
		"DTSTAMP:20260302T033000Z\r\n",
		"TZOFFSETFROM:+0800\r\nTZOFFSETTO:+0800\r\nTZNAME:CST\r\n",
		"SEQUENCE:2\r\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestDSTZoneFallsBackToUTC(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	c := ics.Calendar{TZID: "America/New_York", Events: []ics.Event{{
		UID:     "dst@x",
		Start:   time.Date(2026, 3, 10, 9, 0, 0, 0, ny),
		End:     time.Date(2026, 3, 10, 10, 0, 0, 0, ny),
		Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}}}
	var buf bytes.Buffer
	if err := ics.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.Contains(out, "VTIMEZONE") || strings.Contains(out, ";TZID=") {
		t.Errorf("DST zone should not produce a VTIMEZONE or TZID:\n%s", out)
	}
	if !strings.Contains(out, "DTSTART:20260310T130000Z\r\n") {
		t.Errorf("want UTC DTSTART:\n%s", out)
	}
}

func TestInvalid(t *testing.T) {
	loc := shanghai(t)
	ok := ics.Event{
		UID:       "x@y",
		Start:     time.Date(2026, 1, 5, 9, 0, 0, 0, loc),
		End:       time.Date(2026, 1, 5, 10, 0, 0, 0, loc),
		Organizer: "a@example.cn",
	}
	for name, tc := range map[string]struct {
		mutate func(*ics.Event)
		tzid   string
	}{
		"no uid":      {mutate: func(e *ics.Event) { e.UID = " " }},
		"end early":   {mutate: func(e *ics.Event) { e.End = e.Start }},
		"bad status":  {mutate: func(e *ics.Event) { e.Status = "DONE" }},
		"url newline": {mutate: func(e *ics.Event) { e.URL = "https://x\r\nX-EVIL:1" }},
		"bad organiz": {mutate: func(e *ics.Event) { e.Organizer = "not an address" }},
		"neg seq":     {mutate: func(e *ics.Event) { e.Sequence = -1 }},
		"bad tzid":    {mutate: func(*ics.Event) {}, tzid: "Mars/Olympus"},
	} {
		t.Run(name, func(t *testing.T) {
			ev := ok
			tc.mutate(&ev)
			tzid := tc.tzid
			if tzid == "" {
				tzid = "Asia/Shanghai"
			}
			var buf bytes.Buffer
			if err := ics.Write(&buf, ics.Calendar{TZID: tzid, Events: []ics.Event{ev}}); err == nil {
				t.Error("Write succeeded")
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes on error", buf.Len())
			}
		})
	}

	c := ics.Calendar{TZID: "Asia/Shanghai", Events: []ics.Event{ok}}
	var buf bytes.Buffer
	if err := ics.WriteInvite(&buf, c, "PUBLISH"); err == nil {
		t.Error("WriteInvite accepted method PUBLISH")
	}
	if err := ics.WriteInvite(&buf, ics.Calendar{Events: []ics.Event{ok, ok}}, "REQUEST"); err == nil {
		t.Error("WriteInvite accepted two events")
	}
	noOrg := ok
	noOrg.Organizer = ""
	if err := ics.WriteInvite(&buf, ics.Calendar{Events: []ics.Event{noOrg}}, "REQUEST"); err == nil {
		t.Error("WriteInvite accepted an event without organizer")
	}
	if err := ics.WriteInvite(&buf, ics.Calendar{Events: []ics.Event{ok}}, "REQUEST"); err == nil {
		t.Error("WriteInvite accepted a request without attendees")
	}
	for name, at := range map[string]ics.Attendee{
		"address":  {Address: "nobody"},
		"partstat": {Address: "a@b.cn", PartStat: "MAYBE"},
	} {
		ev := ok
		ev.Attendees = []ics.Attendee{at}
		if err := ics.WriteInvite(&buf, ics.Calendar{Events: []ics.Event{ev}}, "REQUEST"); err == nil {
			t.Errorf("WriteInvite accepted a bad attendee %s", name)
		}
	}
}

// A feed is not an iTIP message: no METHOD, so events need no organizer.
func TestFeedHasNoMethod(t *testing.T) {
	var buf bytes.Buffer
	if err := ics.Write(&buf, sampleCalendar(t)); err != nil {
		t.Fatal(err)
	}
	if got := properties(t, buf.String())["METHOD"]; len(got) != 0 {
		t.Errorf("feed METHOD = %q, want none", got)
	}
}

// An invitation names every attendee with a participation status.
func TestInviteAttendees(t *testing.T) {
	c := sampleCalendar(t)
	c.Events = c.Events[:1]
	var buf bytes.Buffer
	if err := ics.WriteInvite(&buf, c, ics.MethodRequest); err != nil {
		t.Fatal(err)
	}
	out := unfold(buf.String())
	for _, want := range []string{
		"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=\"李四, 财务部\":mailto:li@example.cn\r\n",
		"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=赵六:mailto:zhao@example.cn\r\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("invite lacks %q:\n%s", want, out)
		}
	}
}

// libical, with its RFC 5546 restriction check, accepts every kind of
// file this package writes: feeds in a fixed and a DST zone and in UTC,
// an empty feed, and an invitation, its update and its cancellation.
func TestLibicalAccepts(t *testing.T) {
	lib := icstest.New(t)
	files := map[string]func(c ics.Calendar, w *bytes.Buffer) error{}
	files["feed.ics"] = func(c ics.Calendar, w *bytes.Buffer) error { return ics.Write(w, c) }
	files["feed_utc.ics"] = func(c ics.Calendar, w *bytes.Buffer) error { c.TZID = ""; return ics.Write(w, c) }
	files["feed_dst.ics"] = func(c ics.Calendar, w *bytes.Buffer) error { c.TZID = "America/New_York"; return ics.Write(w, c) }
	files["feed_empty.ics"] = func(c ics.Calendar, w *bytes.Buffer) error { c.Events = nil; return ics.Write(w, c) }
	files["request.ics"] = func(c ics.Calendar, w *bytes.Buffer) error {
		c.Events = c.Events[:1]
		return ics.WriteInvite(w, c, ics.MethodRequest)
	}
	files["update.ics"] = func(c ics.Calendar, w *bytes.Buffer) error {
		c.Events = c.Events[:1]
		c.Events[0].Sequence++
		c.Events[0].Start = c.Events[0].Start.Add(time.Hour)
		c.Events[0].End = c.Events[0].End.Add(time.Hour)
		return ics.WriteInvite(w, c, ics.MethodRequest)
	}
	files["cancel.ics"] = func(c ics.Calendar, w *bytes.Buffer) error {
		c.Events = c.Events[:1]
		c.Events[0].Sequence += 2
		return ics.WriteInvite(w, c, ics.MethodCancel)
	}
	for name, write := range files {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(sampleCalendar(t), &buf); err != nil {
				t.Fatal(err)
			}
			lib.Check(t, name, buf.Bytes())
		})
	}
}

// properties unfolds s and maps each property name to its raw (still
// escaped) values in order of appearance.
func properties(t testing.TB, s string) map[string][]string {
	t.Helper()
	props := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSuffix(unfold(s), "\r\n"), "\r\n") {
		name, value, ok := splitLine(line)
		if !ok {
			t.Fatalf("malformed content line %q", line)
		}
		props[name] = append(props[name], value)
	}
	return props
}

// unfold reverses RFC 5545 line folding.
func unfold(s string) string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.ReplaceAll(s, "\r\n\t", "")
}

// splitLine splits a content line into its property name and value,
// skipping parameters (which may contain quoted colons).
func splitLine(line string) (name, value string, ok bool) {
	quoted := false
	nameEnd := -1
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			quoted = !quoted
		case c == ';' && nameEnd < 0:
			nameEnd = i
		case c == ':' && !quoted:
			if nameEnd < 0 {
				nameEnd = i
			}
			return line[:nameEnd], line[i+1:], true
		}
	}
	return "", "", false
}

// unescape decodes an RFC 5545 TEXT value.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestEmptyTZIDWritesUTC(t *testing.T) {
	loc := shanghai(t)
	c := ics.Calendar{Events: []ics.Event{{
		UID:     "utc@x",
		Start:   time.Date(2026, 3, 10, 9, 0, 0, 0, loc),
		End:     time.Date(2026, 3, 10, 10, 0, 0, 0, loc),
		Created: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}}}
	var buf bytes.Buffer
	if err := ics.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "DTSTART:20260310T010000Z\r\n") || strings.Contains(out, "X-WR-TIMEZONE") {
		t.Errorf("empty TZID should write UTC times:\n%s", out)
	}
}
