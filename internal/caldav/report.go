package caldav

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strings"

	"jiedai/internal/access"
	"jiedai/internal/errs"
)

// XML namespaces.
const (
	nsDAV    = "DAV:"
	nsCalDAV = "urn:ietf:params:xml:ns:caldav"
	nsCS     = "http://calendarserver.org/ns/"
)

// anyName is an element of a prop list, of which only the name counts.
type anyName struct{ XMLName xml.Name }

// syncCollectionReq is the body of a sync-collection REPORT (RFC 6578 §6.1).
type syncCollectionReq struct {
	XMLName   xml.Name `xml:"DAV: sync-collection"`
	SyncToken string   `xml:"DAV: sync-token"`
	SyncLevel string   `xml:"DAV: sync-level"`
	Prop      *struct {
		Names []anyName `xml:",any"`
	} `xml:"DAV: prop"`
}

// isSyncCollection reports whether a REPORT body asks for sync-collection.
func isSyncCollection(body []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Space == nsDAV && se.Name.Local == "sync-collection"
		}
	}
}

// multistatus is the answer of a sync-collection REPORT; the props of each
// response are raw XML written here.
type multistatus struct {
	XMLName   xml.Name   `xml:"DAV: multistatus"`
	Responses []response `xml:"response"`
	SyncToken string     `xml:"sync-token,omitempty"`
}

type response struct {
	Href     string     `xml:"href"`
	Propstat []propstat `xml:"propstat,omitempty"`
	Status   string     `xml:"status,omitempty"`
}

type propstat struct {
	Prop   rawProp `xml:"prop"`
	Status string  `xml:"status"`
}

type rawProp struct {
	Inner string `xml:",innerxml"`
}

const (
	statusOK       = "HTTP/1.1 200 OK"
	statusNotFound = "HTTP/1.1 404 Not Found"
)

// escape is s as XML character data.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// emptyElement is <local xmlns="space"/>.
func emptyElement(n xml.Name) string {
	return "<" + n.Local + ` xmlns="` + escape(n.Space) + `"/>`
}

// objectProps writes the requested props of o: those it has in a 200
// propstat, the others in a 404 one.
func objectProps(o object, names []xml.Name) []propstat {
	var ok, missing strings.Builder
	for _, n := range names {
		switch {
		case n.Space == nsDAV && n.Local == "getetag":
			ok.WriteString(`<getetag xmlns="DAV:">"` + o.etag + `"</getetag>`)
		case n.Space == nsDAV && n.Local == "getcontenttype":
			ok.WriteString(`<getcontenttype xmlns="DAV:">text/calendar; charset=utf-8</getcontenttype>`)
		case n.Space == nsDAV && n.Local == "getlastmodified":
			ok.WriteString(`<getlastmodified xmlns="DAV:">` + o.mod.UTC().Format(http.TimeFormat) + `</getlastmodified>`)
		case n.Space == nsDAV && n.Local == "resourcetype":
			ok.WriteString(`<resourcetype xmlns="DAV:"/>`)
		case n.Space == nsCalDAV && n.Local == "calendar-data":
			ok.WriteString(`<calendar-data xmlns="` + nsCalDAV + `">` + escape(string(o.data)) + `</calendar-data>`)
		default:
			missing.WriteString(emptyElement(n))
		}
	}
	var out []propstat
	if ok.Len() > 0 {
		out = append(out, propstat{Prop: rawProp{ok.String()}, Status: statusOK})
	}
	if missing.Len() > 0 {
		out = append(out, propstat{Prop: rawProp{missing.String()}, Status: statusNotFound})
	}
	return out
}

// syncCollection answers a sync-collection REPORT on one of the reader's
// calendars: with no token every object, else those added or changed
// since the token's state and, as 404, those gone; and the new token.
func (s *Service) syncCollection(w http.ResponseWriter, r *http.Request, a access.Actor, body []byte) {
	var req syncCollectionReq
	if err := xml.Unmarshal(body, &req); err != nil {
		http.Error(w, "malformed sync-collection request", http.StatusBadRequest)
		return
	}
	if lvl := strings.TrimSpace(req.SyncLevel); lvl != "1" && lvl != "infinite" {
		http.Error(w, "sync-level must be 1", http.StatusBadRequest)
		return
	}
	cal, name, err := split(a, r.URL.Path)
	if err == nil && (cal == "" || name != "") {
		err = errs.Missing() // only calendars can be synchronised
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	objs, err := s.objects(ctx, a, cal)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var old map[string]string
	if tok := strings.TrimSpace(req.SyncToken); tok != "" {
		if old, err = s.stateItems(ctx, a.UserID, cal, tok); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	id, err := s.state(ctx, a.UserID, cal, objs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := []xml.Name{{Space: nsDAV, Local: "getetag"}}
	if req.Prop != nil {
		names = names[:0]
		for _, n := range req.Prop.Names {
			names = append(names, n.XMLName)
		}
	}
	base := calendarPath(a.UserID, cal)
	ms := multistatus{SyncToken: syncToken(id)}
	current := map[string]bool{}
	for _, o := range objs {
		current[o.name] = true
		if etag, seen := old[o.name]; seen && etag == o.etag {
			continue
		}
		ms.Responses = append(ms.Responses, response{Href: base + o.name, Propstat: objectProps(o, names)})
	}
	for n := range old {
		if !current[n] {
			ms.Responses = append(ms.Responses, response{Href: base + n, Status: statusNotFound})
		}
	}
	out, err := xml.Marshal(ms)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(http.StatusMultiStatus)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}
