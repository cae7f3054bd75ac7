package web

import (
	"strings"
	"testing"
)

// TestGridTrackEscapes: the grid rows written in Go escape every value as
// the template would.
func TestGridTrackEscapes(t *testing.T) {
	row := gridRow{
		Free: []gridFree{{Col: 3, Span: 2, Link: "/bookings/new?date=2026-03-05&start=09:00&venue_id=1", Title: `预订 "09:00" 起`}},
		Items: []gridItem{
			{Col: 5, Span: 4, BufCol: 4, BufSpan: 6, Buf: true, Class: "st-confirmed", Link: "/bookings/7", Time: "10:00–11:00",
				Label: `<script>alert("x")</script> & 'q'`, Sub: "10:00–11:00 · 张伟"},
			{Col: 9, Span: 2, Class: "dg-maint", Link: "/venues/1", Time: "检修", Label: "维护", Sub: "检修"},
		},
	}
	got := string(row.track())
	for _, want := range []string{
		`<a class="dg-free gc-3 gw-2" href="/bookings/new?date=2026-03-05&amp;start=09:00&amp;venue_id=1" title="预订 &#34;09:00&#34; 起"><span class="sr">预订 &#34;09:00&#34; 起</span></a>`,
		`<span class="dg-buf gc-4 gw-6" aria-hidden="true"></span>`,
		`<a class="dg-bk gc-5 gw-4 dg-narrow st-confirmed" href="/bookings/7" title="10:00–11:00 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;" tabindex="-1"><b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;q&#39;</b><small>10:00–11:00 · 张伟</small></a>`,
		`<a class="dg-bk gc-9 gw-2 dg-narrow dg-maint" href="/venues/1" title="检修 维护" tabindex="-1"><b>维护</b><small>检修</small></a>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("track lacks\n%s\nin\n%s", want, got)
		}
	}
	// One tab stop per row (the first link); the arrow keys do the rest.
	if strings.Count(got, `tabindex="-1"`) != 2 {
		t.Errorf("want every link but the first out of the tab order:\n%s", got)
	}
	if strings.Contains(got, "<script>") || strings.Count(got, `aria-hidden`) != 1 {
		t.Errorf("unescaped or extra markup:\n%s", got)
	}
}
