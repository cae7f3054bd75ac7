package audit

import "testing"

// TestScrubPayload: personal values are replaced in a JSON payload's
// strings (nested, and inside longer text) and in a plain-text payload;
// keys and other values are kept.
func TestScrubPayload(t *testing.T) {
	vals := []string{"欧阳明月", "13912345678"}
	for _, c := range []struct{ in, want string }{
		{`{"name":"欧阳明月","mobile":"13912345678","guests":[{"name":"欧阳明月 财务总监","seq":2}]}`,
			`{"guests":[{"name":"[erased] 财务总监","seq":2}],"mobile":"[erased]","name":"[erased]"}`},
		{`签到：欧阳明月`, `签到：[erased]`},
		{`{"name":"王芳"}`, `{"name":"王芳"}`},
		{``, ``},
	} {
		got, changed := scrubPayload(c.in, vals)
		if got != c.want || changed != (c.in != c.want) {
			t.Errorf("scrub %s: %s (changed %v), want %s", c.in, got, changed, c.want)
		}
	}
}
