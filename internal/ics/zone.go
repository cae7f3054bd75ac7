package ics

import (
	"bytes"
	"fmt"
	"time"
)

// loadZone resolves a TZID. It returns nil for UTC output. Asia/Shanghai
// falls back to a fixed CST +0800 zone when the system has no tzdata.
func loadZone(tzid string) (*time.Location, error) {
	if tzid == "" || tzid == "UTC" {
		return nil, nil
	}
	if tzid == "Local" {
		return nil, fmt.Errorf("ics: tzid %q is not an IANA zone name", tzid)
	}
	loc, err := time.LoadLocation(tzid)
	if err != nil {
		if tzid == "Asia/Shanghai" {
			return time.FixedZone("CST", 8*60*60), nil
		}
		return nil, fmt.Errorf("ics: load tzid %q: %w", tzid, err)
	}
	return loc, nil
}

// zoneInfo is the single observance written in a generated VTIMEZONE.
type zoneInfo struct {
	name   string
	offset int // seconds east of UTC
}

// zoneFor reports whether loc has a fixed UTC offset from the earliest
// event onwards (from now if there are no events) and, if so, that offset.
func zoneFor(loc *time.Location, events []Event) (zoneInfo, bool) {
	if loc == nil {
		return zoneInfo{}, false
	}
	from := time.Now()
	for i, ev := range events {
		if i == 0 || ev.Start.Before(from) {
			from = ev.Start
		}
	}
	t := from.In(loc)
	if _, end := t.ZoneBounds(); !end.IsZero() {
		return zoneInfo{}, false // a transition follows: DST or a rule change
	}
	name, offset := t.Zone()
	return zoneInfo{name: name, offset: offset}, true
}

// writeVTimezone writes a VTIMEZONE with one STANDARD observance.
func writeVTimezone(b *bytes.Buffer, tzid string, z zoneInfo) {
	off := utcOffset(z.offset)
	writeFolded(b, "BEGIN:VTIMEZONE")
	writeFolded(b, "TZID:"+escapeText(tzid))
	writeFolded(b, "X-LIC-LOCATION:"+escapeText(tzid))
	writeFolded(b, "BEGIN:STANDARD")
	writeFolded(b, "DTSTART:19700101T000000")
	writeFolded(b, "TZOFFSETFROM:"+off)
	writeFolded(b, "TZOFFSETTO:"+off)
	if z.name != "" {
		writeFolded(b, "TZNAME:"+escapeText(z.name))
	}
	writeFolded(b, "END:STANDARD")
	writeFolded(b, "END:VTIMEZONE")
}

// utcOffset formats seconds east of UTC as RFC 5545 UTC-OFFSET, e.g. +0800.
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign = '-'
		sec = -sec
	}
	h, m, s := sec/3600, sec/60%60, sec%60
	if s != 0 {
		return fmt.Sprintf("%c%02d%02d%02d", sign, h, m, s)
	}
	return fmt.Sprintf("%c%02d%02d", sign, h, m)
}
