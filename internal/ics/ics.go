// Package ics writes iCalendar (RFC 5545) calendar feeds and iTIP
// (RFC 5546) invitations that Apple Calendar, Outlook, Google Calendar and
// Feishu/DingTalk accept.
//
// Output uses CRLF line endings and folds content lines at 75 octets
// without splitting UTF-8 sequences, so Chinese text survives intact.
//
// Time zones: for a TZID whose UTC offset is fixed from the events onwards
// (such as Asia/Shanghai, CST +0800 without DST since 1991) a VTIMEZONE
// with a single STANDARD observance is generated from the Go location and
// DTSTART/DTEND carry TZID. Zones with DST transitions at or after the
// earliest event are not described; their events are written as UTC
// ("Z") times instead, which every client interprets correctly.
package ics

import (
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"time"
)

// Event statuses accepted in Event.Status.
const (
	StatusConfirmed = "CONFIRMED"
	StatusTentative = "TENTATIVE"
	StatusCancelled = "CANCELLED"
)

// Invitation methods accepted by WriteInvite.
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
)

// Participation statuses of an Attendee (RFC 5545 §3.2.12).
const (
	PartNeedsAction = "NEEDS-ACTION"
	PartAccepted    = "ACCEPTED"
	PartDeclined    = "DECLINED"
	PartTentative   = "TENTATIVE"
)

// Attendee is one ATTENDEE of an invitation.
type Attendee struct {
	Name string // CN; optional
	// Address is "mailto:a@b.cn" or "a@b.cn".
	Address  string
	PartStat string // PartNeedsAction (default if empty), PartAccepted, PartDeclined or PartTentative
	Optional bool   // ROLE=OPT-PARTICIPANT instead of REQ-PARTICIPANT
}

// DefaultProdID is used when Calendar.ProdID is empty.
const DefaultProdID = "-//Jiedai//Jiedai Calendar//ZH"

// Event is one VEVENT.
type Event struct {
	UID      string // required, stable across updates
	Sequence int    // revision number; increment on every significant change
	// Start and End are converted to the calendar's TZID. End must be after
	// Start.
	Start, End                     time.Time
	Summary, Description, Location string
	Status                         string // StatusConfirmed (default if empty), StatusTentative or StatusCancelled
	// Created and LastModified are optional. DTSTAMP is LastModified, or
	// Created if that is zero, or the current time if both are zero.
	Created, LastModified time.Time
	URL                   string
	// Organizer is optional for feeds and required for invitations. It may
	// be "mailto:a@b.cn", "a@b.cn" or "张三 <a@b.cn>" (the name becomes CN).
	Organizer string
	// Attendees are required for a REQUEST invitation (RFC 5546 §3.2.2).
	Attendees []Attendee
}

// Calendar is one VCALENDAR.
type Calendar struct {
	ProdID string // DefaultProdID if empty
	Name   string // X-WR-CALNAME; omitted if empty
	// TZID is an IANA zone name such as "Asia/Shanghai". Empty or "UTC"
	// writes all times in UTC without a VTIMEZONE.
	TZID   string
	Events []Event
}

// Write writes c as a calendar feed. A feed carries no METHOD: it is not
// an iTIP message, so its events need no ORGANIZER (RFC 5546 §1.4
// requires one of every PUBLISH). Nothing is written if c is invalid.
func Write(w io.Writer, c Calendar) error {
	var b bytes.Buffer
	if err := encode(&b, c, ""); err != nil {
		return err
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("ics: write calendar: %w", err)
	}
	return nil
}

// WriteInvite writes c, which must hold exactly one event with an
// Organizer, as an email invitation with method MethodRequest (which
// needs at least one attendee) or MethodCancel. An update or a
// cancellation keeps the UID and has a higher Sequence than the
// invitation before it (RFC 5546 §2.1.4). For MethodCancel the event is
// written with STATUS:CANCELLED whatever its Status. Nothing is written if
// the arguments are invalid.
func WriteInvite(w io.Writer, c Calendar, method string) error {
	method = strings.ToUpper(method)
	if method != MethodRequest && method != MethodCancel {
		return fmt.Errorf("ics: invite method %q: want REQUEST or CANCEL", method)
	}
	if len(c.Events) != 1 {
		return fmt.Errorf("ics: invite needs exactly one event, got %d", len(c.Events))
	}
	ev := c.Events[0]
	if ev.Organizer == "" {
		return fmt.Errorf("ics: invite event %q: organizer is required", ev.UID)
	}
	if method == MethodRequest && len(ev.Attendees) == 0 {
		return fmt.Errorf("ics: invite event %q: a request needs at least one attendee", ev.UID)
	}
	switch {
	case method == MethodCancel:
		ev.Status = StatusCancelled
	case ev.Status == StatusCancelled:
		return fmt.Errorf("ics: invite event %q: cancelled event must use method CANCEL", ev.UID)
	}
	c.Events = []Event{ev}
	var b bytes.Buffer
	if err := encode(&b, c, method); err != nil {
		return err
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("ics: write invite: %w", err)
	}
	return nil
}

// encode validates c and writes the whole VCALENDAR to b.
func encode(b *bytes.Buffer, c Calendar, method string) error {
	loc, err := loadZone(c.TZID)
	if err != nil {
		return err
	}
	for i, ev := range c.Events {
		if err := validate(ev); err != nil {
			return fmt.Errorf("ics: event %d (uid %q): %w", i, ev.UID, err)
		}
	}
	tz, useTZID := zoneFor(loc, c.Events)

	prodID := c.ProdID
	if prodID == "" {
		prodID = DefaultProdID
	}
	writeFolded(b, "BEGIN:VCALENDAR")
	writeFolded(b, "VERSION:2.0")
	writeFolded(b, "PRODID:"+escapeText(prodID))
	writeFolded(b, "CALSCALE:GREGORIAN")
	if method != "" {
		writeFolded(b, "METHOD:"+method)
	}
	if c.Name != "" {
		writeFolded(b, "X-WR-CALNAME:"+escapeText(c.Name))
	}
	if loc != nil {
		writeFolded(b, "X-WR-TIMEZONE:"+escapeText(c.TZID))
	}
	if useTZID {
		writeVTimezone(b, c.TZID, tz)
	}
	if !useTZID {
		loc = nil
	}
	for _, ev := range c.Events {
		writeEvent(b, ev, c.TZID, loc)
	}
	writeFolded(b, "END:VCALENDAR")
	return nil
}

// validate checks the fields of ev that could produce an invalid feed.
func validate(ev Event) error {
	if strings.TrimSpace(ev.UID) == "" {
		return fmt.Errorf("uid is required")
	}
	if ev.Sequence < 0 {
		return fmt.Errorf("sequence %d is negative", ev.Sequence)
	}
	if ev.Start.IsZero() || ev.End.IsZero() {
		return fmt.Errorf("start and end are required")
	}
	if !ev.End.After(ev.Start) {
		return fmt.Errorf("end %s is not after start %s", ev.End, ev.Start)
	}
	switch ev.Status {
	case "", StatusConfirmed, StatusTentative, StatusCancelled:
	default:
		return fmt.Errorf("status %q: want CONFIRMED, TENTATIVE or CANCELLED", ev.Status)
	}
	if ev.URL != "" {
		if err := checkRaw("url", ev.URL); err != nil {
			return err
		}
	}
	if ev.Organizer != "" {
		if _, _, err := calAddress("organizer", ev.Organizer); err != nil {
			return err
		}
	}
	for i, at := range ev.Attendees {
		if _, _, err := calAddress(fmt.Sprintf("attendee %d", i+1), at.Address); err != nil {
			return err
		}
		switch at.PartStat {
		case "", PartNeedsAction, PartAccepted, PartDeclined, PartTentative:
		default:
			return fmt.Errorf("attendee %d: partstat %q: want NEEDS-ACTION, ACCEPTED, DECLINED or TENTATIVE", i+1, at.PartStat)
		}
	}
	return nil
}

// calAddress splits s, the address of what, into a display name and a
// mailto: URI.
func calAddress(what, s string) (name, uri string, err error) {
	addr := strings.TrimSpace(s)
	if len(addr) >= 7 && strings.EqualFold(addr[:7], "mailto:") {
		addr = addr[7:]
	}
	a, err := mail.ParseAddress(addr)
	if err != nil {
		return "", "", fmt.Errorf("%s %q: %w", what, s, err)
	}
	uri = "mailto:" + a.Address
	if err := checkRaw(what, uri); err != nil {
		return "", "", err
	}
	return a.Name, uri, nil
}

const (
	utcLayout   = "20060102T150405Z"
	localLayout = "20060102T150405"
)

// writeEvent writes one VEVENT. loc nil means UTC times without TZID.
func writeEvent(b *bytes.Buffer, ev Event, tzid string, loc *time.Location) {
	stamp := ev.LastModified
	if stamp.IsZero() {
		stamp = ev.Created
	}
	if stamp.IsZero() {
		stamp = time.Now()
	}
	status := ev.Status
	if status == "" {
		status = StatusConfirmed
	}

	writeFolded(b, "BEGIN:VEVENT")
	writeFolded(b, "UID:"+escapeText(ev.UID))
	writeFolded(b, "DTSTAMP:"+stamp.UTC().Format(utcLayout))
	writeFolded(b, "DTSTART"+dateTime(ev.Start, tzid, loc))
	writeFolded(b, "DTEND"+dateTime(ev.End, tzid, loc))
	writeFolded(b, fmt.Sprintf("SEQUENCE:%d", ev.Sequence))
	writeFolded(b, "STATUS:"+status)
	writeFolded(b, "SUMMARY:"+escapeText(ev.Summary))
	if ev.Description != "" {
		writeFolded(b, "DESCRIPTION:"+escapeText(ev.Description))
	}
	if ev.Location != "" {
		writeFolded(b, "LOCATION:"+escapeText(ev.Location))
	}
	if ev.URL != "" {
		writeFolded(b, "URL:"+ev.URL)
	}
	if ev.Organizer != "" {
		name, uri, _ := calAddress("organizer", ev.Organizer) // checked by validate
		if name != "" {
			writeFolded(b, "ORGANIZER;CN="+paramValue(name)+":"+uri)
		} else {
			writeFolded(b, "ORGANIZER:"+uri)
		}
	}
	for _, at := range ev.Attendees {
		writeFolded(b, attendeeLine(at))
	}
	if !ev.Created.IsZero() {
		writeFolded(b, "CREATED:"+ev.Created.UTC().Format(utcLayout))
	}
	if !ev.LastModified.IsZero() {
		writeFolded(b, "LAST-MODIFIED:"+ev.LastModified.UTC().Format(utcLayout))
	}
	if status == StatusCancelled {
		// Cancelled events should not block free/busy time.
		writeFolded(b, "TRANSP:TRANSPARENT")
	}
	writeFolded(b, "END:VEVENT")
}

// dateTime formats t as the parameters and value of DTSTART/DTEND, e.g.
// ";TZID=Asia/Shanghai:20260310T090000" or ":20260310T010000Z".
func dateTime(t time.Time, tzid string, loc *time.Location) string {
	if loc == nil {
		return ":" + t.UTC().Format(utcLayout)
	}
	return ";TZID=" + paramValue(tzid) + ":" + t.In(loc).Format(localLayout)
}

// attendeeLine is the ATTENDEE content line of at, which validate checked.
func attendeeLine(at Attendee) string {
	_, uri, _ := calAddress("attendee", at.Address)
	role, part := "REQ-PARTICIPANT", at.PartStat
	if at.Optional {
		role = "OPT-PARTICIPANT"
	}
	if part == "" {
		part = PartNeedsAction
	}
	line := "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=" + role + ";PARTSTAT=" + part
	if part == PartNeedsAction {
		line += ";RSVP=TRUE"
	}
	if name := strings.TrimSpace(at.Name); name != "" {
		line += ";CN=" + paramValue(name)
	}
	return line + ":" + uri
}
