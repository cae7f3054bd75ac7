package caldav

import (
	"encoding/xml"
	"strings"
	"testing"
)

// FuzzRequestBodies feeds PROPFIND and REPORT bodies to the parsing this
// package does itself: no panic, and a prop list rebuilt for go-webdav is
// well-formed XML naming the same properties minus those answered here.
func FuzzRequestBodies(f *testing.F) {
	for _, s := range []string{
		`<d:sync-collection xmlns:d="DAV:"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>`,
		`<d:propfind xmlns:d="DAV:" xmlns:cs="http://calendarserver.org/ns/"><d:prop><d:displayname/><cs:getctag/><d:sync-token/></d:prop></d:propfind>`,
		`<propfind xmlns="DAV:"><allprop/></propfind>`,
		`<x:a xmlns:x="a&amp;&quot;b"/>`,
		``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		_ = isSyncCollection([]byte(body))
		var sc syncCollectionReq
		_ = xml.Unmarshal([]byte(body), &sc)
		var req propfindReq
		if xml.Unmarshal([]byte(body), &req) != nil || req.Prop == nil {
			return
		}
		var rest strings.Builder
		want := 0
		for _, n := range req.Prop.Names {
			if !calendarProps[n.XMLName] {
				rest.WriteString(emptyElement(n.XMLName))
				want++
			}
		}
		var back propfindReq
		if err := xml.Unmarshal([]byte(`<propfind xmlns="DAV:"><prop>`+rest.String()+`</prop></propfind>`), &back); err != nil {
			t.Fatalf("rebuilt prop list does not parse: %v\n%s", err, rest.String())
		}
		if len(back.Prop.Names) != want {
			t.Fatalf("rebuilt prop list names %d properties, want %d", len(back.Prop.Names), want)
		}
	})
}
