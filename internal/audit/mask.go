package audit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Personal data is masked before a row is written, whichever area writes
// it: ID numbers, mobile and other phone numbers, e-mail addresses and
// WeChat ids under keys that name them, and e-mail addresses and mainland
// mobile numbers found anywhere else in the text. Masking is idempotent,
// so a caller that masked a value already changes nothing.

// MaskID masks an ID number: a resident ID keeps its first six and last
// four characters, others the first and last two.
func MaskID(s string) string {
	r := []rune(s)
	switch {
	case len(r) == 0:
		return ""
	case len(r) >= 15:
		return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
	case len(r) > 4:
		return string(r[:2]) + strings.Repeat("*", len(r)-4) + string(r[len(r)-2:])
	}
	return strings.Repeat("*", len(r))
}

// MaskPhone masks a phone number: an 11-digit (or longer) number keeps its
// first three and last four digits, a shorter one its last two; the
// separators and a leading + stay. A masked digit (*) counts as a digit.
func MaskPhone(s string) string {
	n := 0
	for _, c := range s {
		if c >= '0' && c <= '9' || c == '*' {
			n++
		}
	}
	keepHead, keepTail := 3, 4
	if n < 11 {
		keepHead, keepTail = 0, 2
	}
	var b strings.Builder
	i := 0
	for _, c := range s {
		if c >= '0' && c <= '9' || c == '*' {
			if i >= keepHead && i < n-keepTail {
				c = '*'
			}
			i++
		}
		b.WriteRune(c)
	}
	return b.String()
}

// MaskEmail masks an e-mail address: the first character of the local
// part and the domain stay.
func MaskEmail(s string) string {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" {
		return MaskID(s)
	}
	return string([]rune(local)[:1]) + "***@" + domain
}

// maskerFor returns how values under a JSON key are masked, or nil when the
// key names nothing personal.
func maskerFor(key string) func(string) string {
	k := strings.ToLower(key)
	has := func(names ...string) bool {
		for _, n := range names {
			if k == n || strings.HasSuffix(k, "_"+n) {
				return true
			}
		}
		return false
	}
	switch {
	case has("id_number", "id_no", "idno", "passport"):
		return MaskID
	case has("mobile", "phone", "tel", "telephone", "fax", "cell"):
		return MaskPhone
	case has("email", "e_mail", "mail"):
		return MaskEmail
	case has("wechat", "weixin"):
		return MaskID
	}
	return nil
}

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)+`)
	// a mainland mobile number, alone or with +86, spaces or dashes, not
	// part of a longer run of digits or letters (a hash, a code)
	mobileRE = regexp.MustCompile(`(^|[^0-9A-Za-z])((\+?86[ \-]?)?1[3-9][0-9](?:[ \-]?[0-9]){8})($|[^0-9A-Za-z])`)
)

// maskText masks the e-mail addresses and mobile numbers in free text.
func maskText(s string) string {
	if strings.Contains(s, "@") {
		s = emailRE.ReplaceAllStringFunc(s, MaskEmail)
	}
	// matches may share a separator, so repeat until nothing changes
	for i := 0; i < 4; i++ {
		out := mobileRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := mobileRE.FindStringSubmatch(m)
			return sub[1] + MaskPhone(sub[2]) + sub[4]
		})
		if out == s {
			break
		}
		s = out
	}
	return s
}

// mask returns an audit payload with personal data masked: a JSON value
// is walked key by key, other text is masked as free text.
func mask(payload string) (string, error) {
	if payload == "" {
		return "", nil
	}
	dec := json.NewDecoder(strings.NewReader(payload))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return maskText(payload), nil
	}
	out, changed := maskValue(v, nil)
	if !changed {
		return payload, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(out); err != nil {
		return "", fmt.Errorf("marshal masked audit payload: %w", err)
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// maskValue masks v (found under a key with masker m, if any) and reports
// whether anything changed.
func maskValue(v any, m func(string) string) (any, bool) {
	switch x := v.(type) {
	case string:
		out := maskText(x)
		if m != nil {
			out = m(x)
		}
		return out, out != x
	case map[string]any:
		changed := false
		for k, e := range x {
			km := maskerFor(k)
			if km == nil {
				km = m
			}
			if nv, c := maskValue(e, km); c {
				x[k], changed = nv, true
			}
		}
		return x, changed
	case []any:
		changed := false
		for i, e := range x {
			if nv, c := maskValue(e, m); c {
				x[i], changed = nv, true
			}
		}
		return x, changed
	}
	return v, false
}
