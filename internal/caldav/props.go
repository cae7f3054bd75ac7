package caldav

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"

	gocaldav "github.com/emersion/go-webdav/caldav"

	"jiedai/internal/access"
)

// propfindReq is a PROPFIND body; only a prop list is changed here.
type propfindReq struct {
	XMLName xml.Name `xml:"DAV: propfind"`
	Prop    *struct {
		Names []anyName `xml:",any"`
	} `xml:"DAV: prop"`
}

// calendarProps are the properties of a calendar that go-webdav does not
// know and this package answers.
var calendarProps = map[xml.Name]bool{
	{Space: nsDAV, Local: "sync-token"}:                 true,
	{Space: nsCS, Local: "getctag"}:                     true,
	{Space: nsDAV, Local: "supported-report-set"}:       true,
	{Space: nsDAV, Local: "current-user-privilege-set"}: true,
}

// propfind lets go-webdav answer, without the calendar properties it does
// not know, and adds those to each of the reader's calendars in its answer.
func (s *Service) propfind(w http.ResponseWriter, r *http.Request, a access.Actor, h *gocaldav.Handler, body []byte) {
	var req propfindReq
	var extra []xml.Name
	if len(bytes.TrimSpace(body)) > 0 && xml.Unmarshal(body, &req) == nil && req.Prop != nil {
		var rest strings.Builder
		for _, n := range req.Prop.Names {
			if calendarProps[n.XMLName] {
				extra = append(extra, n.XMLName)
			} else {
				rest.WriteString(emptyElement(n.XMLName))
			}
		}
		if len(extra) > 0 {
			body = []byte(`<propfind xmlns="DAV:"><prop>` + rest.String() + `</prop></propfind>`)
		}
	}
	r.Body = http.NoBody
	if len(body) > 0 {
		r.Body = bodyOf(body)
		r.ContentLength = int64(len(body))
	}
	rec := &recorder{header: http.Header{}, code: http.StatusOK}
	h.ServeHTTP(rec, r)
	out := rec.buf.Bytes()
	if rec.code == http.StatusMultiStatus && len(extra) > 0 {
		var err error
		if out, err = s.addCalendarProps(r, a, out, extra); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(rec.code)
	_, _ = w.Write(out)
}

// addCalendarProps inserts, after the href of each of the reader's
// calendars in a multistatus, a propstat with the extra properties.
func (s *Service) addCalendarProps(r *http.Request, a access.Actor, ms []byte, extra []xml.Name) ([]byte, error) {
	cals, err := s.Source.Calendars(r.Context(), a)
	if err != nil {
		return nil, err
	}
	for _, c := range cals {
		href := []byte("<href>" + calendarPath(a.UserID, c.ID) + "</href>")
		at := bytes.Index(ms, href)
		if at < 0 {
			continue
		}
		objs, err := s.objects(r.Context(), a, c.ID)
		if err != nil {
			return nil, err
		}
		id, err := s.state(r.Context(), a.UserID, c.ID, objs)
		if err != nil {
			return nil, err
		}
		var props strings.Builder
		for _, n := range extra {
			switch n.Local {
			case "sync-token":
				props.WriteString(`<sync-token xmlns="DAV:">` + syncToken(id) + `</sync-token>`)
			case "getctag":
				props.WriteString(`<getctag xmlns="` + nsCS + `">` + syncToken(id) + `</getctag>`)
			case "supported-report-set":
				props.WriteString(`<supported-report-set xmlns="DAV:">`)
				for _, rep := range []string{`<sync-collection xmlns="DAV:"/>`, `<calendar-query xmlns="` + nsCalDAV + `"/>`, `<calendar-multiget xmlns="` + nsCalDAV + `"/>`} {
					props.WriteString(`<supported-report><report>` + rep + `</report></supported-report>`)
				}
				props.WriteString(`</supported-report-set>`)
			case "current-user-privilege-set":
				props.WriteString(`<current-user-privilege-set xmlns="DAV:"><privilege><read/></privilege><privilege><read-current-user-privilege-set/></privilege></current-user-privilege-set>`)
			}
		}
		add := `<propstat xmlns="DAV:"><prop>` + props.String() + `</prop><status>` + statusOK + `</status></propstat>`
		at += len(href)
		ms = append(ms[:at:at], append([]byte(add), ms[at:]...)...)
	}
	return ms, nil
}

// recorder keeps go-webdav's answer to a PROPFIND for addCalendarProps.
type recorder struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return r.buf.Write(p) }
func (r *recorder) WriteHeader(code int)        { r.code = code }
