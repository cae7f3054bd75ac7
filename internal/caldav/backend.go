package caldav

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	gocaldav "github.com/emersion/go-webdav/caldav"

	"jiedai/internal/access"
	"jiedai/internal/errs"
)

// backend is go-webdav's view of one reader's calendars.
type backend struct {
	s *Service
	a access.Actor
}

var _ gocaldav.Backend = backend{}

// davError turns a domain error into the HTTP error go-webdav answers with.
func davError(err error) error {
	var e *errs.Error
	if errors.As(err, &e) && e.Kind != errs.Internal {
		return webdav.NewHTTPError(e.Status(), err)
	}
	return err
}

// readOnly is the answer to every change: these calendars are written by
// Jiedai only.
func readOnly() error {
	return webdav.NewHTTPError(http.StatusForbidden, errors.New("caldav: calendars are read-only"))
}

func (b backend) CurrentUserPrincipal(context.Context) (string, error) {
	return principalPath(b.a.UserID), nil
}

func (b backend) CalendarHomeSetPath(context.Context) (string, error) {
	return homePath(b.a.UserID), nil
}

func (b backend) CreateCalendar(context.Context, *gocaldav.Calendar) error { return readOnly() }

func (b backend) ListCalendars(ctx context.Context) ([]gocaldav.Calendar, error) {
	cals, err := b.s.Source.Calendars(ctx, b.a)
	if err != nil {
		return nil, davError(err)
	}
	out := make([]gocaldav.Calendar, 0, len(cals))
	for _, c := range cals {
		out = append(out, b.calendar(c))
	}
	return out, nil
}

func (b backend) calendar(c Calendar) gocaldav.Calendar {
	return gocaldav.Calendar{Path: calendarPath(b.a.UserID, c.ID), Name: c.Name, Description: c.Description,
		SupportedComponentSet: []string{ical.CompEvent}}
}

// find returns the reader's calendar id.
func (b backend) find(ctx context.Context, id string) (Calendar, error) {
	cals, err := b.s.Source.Calendars(ctx, b.a)
	if err != nil {
		return Calendar{}, err
	}
	for _, c := range cals {
		if c.ID == id {
			return c, nil
		}
	}
	return Calendar{}, errs.Missing()
}

func (b backend) GetCalendar(ctx context.Context, p string) (*gocaldav.Calendar, error) {
	id, name, err := split(b.a, p)
	if err == nil && (id == "" || name != "") {
		err = errs.Missing()
	}
	if err != nil {
		return nil, davError(err)
	}
	c, err := b.find(ctx, id)
	if err != nil {
		return nil, davError(err)
	}
	out := b.calendar(c)
	return &out, nil
}

// list returns the objects of the calendar at collection path p.
func (b backend) list(ctx context.Context, p string) (string, []object, error) {
	id, name, err := split(b.a, p)
	if err == nil && (id == "" || name != "") {
		err = errs.Missing()
	}
	if err != nil {
		return "", nil, err
	}
	objs, err := b.s.objects(ctx, b.a, id)
	return id, objs, err
}

func (b backend) GetCalendarObject(ctx context.Context, p string, _ *gocaldav.CalendarCompRequest) (*gocaldav.CalendarObject, error) {
	id, name, err := split(b.a, p)
	if err == nil && (id == "" || name == "") {
		err = errs.Missing()
	}
	if err != nil {
		return nil, davError(err)
	}
	objs, err := b.s.objects(ctx, b.a, id)
	if err != nil {
		return nil, davError(err)
	}
	for _, o := range objs {
		if o.name == name {
			return b.calendarObject(id, o)
		}
	}
	return nil, davError(errs.Missing())
}

func (b backend) calendarObject(cal string, o object) (*gocaldav.CalendarObject, error) {
	data, err := ical.NewDecoder(bytes.NewReader(o.data)).Decode()
	if err != nil {
		return nil, fmt.Errorf("caldav: read back %s: %w", o.name, err)
	}
	return &gocaldav.CalendarObject{Path: calendarPath(b.a.UserID, cal) + o.name, ModTime: o.mod,
		ContentLength: int64(len(o.data)), ETag: o.etag, Data: data}, nil
}

func (b backend) ListCalendarObjects(ctx context.Context, p string, _ *gocaldav.CalendarCompRequest) ([]gocaldav.CalendarObject, error) {
	id, objs, err := b.list(ctx, p)
	if err != nil {
		return nil, davError(err)
	}
	out := make([]gocaldav.CalendarObject, 0, len(objs))
	for _, o := range objs {
		co, err := b.calendarObject(id, o)
		if err != nil {
			return nil, err
		}
		out = append(out, *co)
	}
	return out, nil
}

func (b backend) QueryCalendarObjects(ctx context.Context, p string, q *gocaldav.CalendarQuery) ([]gocaldav.CalendarObject, error) {
	all, err := b.ListCalendarObjects(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	out, err := gocaldav.Filter(q, all)
	if err != nil {
		return nil, webdav.NewHTTPError(http.StatusBadRequest, err)
	}
	return out, nil
}

func (b backend) PutCalendarObject(context.Context, string, *ical.Calendar, *gocaldav.PutCalendarObjectOptions) (*gocaldav.CalendarObject, error) {
	return nil, readOnly()
}

func (b backend) DeleteCalendarObject(context.Context, string) error { return readOnly() }
