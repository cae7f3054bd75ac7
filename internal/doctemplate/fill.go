package doctemplate

import (
	"slices"
	"strings"
	"unicode/utf8"

	"jiedai/internal/errs"
)

// Placeholders are written {{name}} (spaces inside the braces allowed),
// where name is lowercase letters, digits and _ in dot-separated parts,
// e.g. {{org.name}} or {{contract.number}}. Filling is one pass over the
// body: a value is put in as it is and never read again for placeholders,
// and the filled text is plain text (pages escape it when they show it).

// Known lists the placeholders a template body may use; the records'
// areas fill them (see docs/forms.md). Each has a description
// doctemplate.ph.<name> in the catalogues.
var Known = []string{
	"amount.total", "contract.number", "date.end", "date.start", "date.today", "doc.number",
	"org.address", "org.name", "person.name", "person.title", "site.name", "unit.code",
}

// MaxName is the longest placeholder name.
const MaxName = 64

// Placeholders returns the names used in body, in order of first use, or
// a field error on field for a placeholder that is not closed or not a
// valid name.
func Placeholders(field, body string) ([]string, error) {
	var names []string
	_, err := scan(field, body, func(name string) (string, bool) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		return "", true
	})
	return names, err
}

// Check is Placeholders that also refuses names not in Known.
func Check(field, body string) error {
	names, err := Placeholders(field, body)
	if err != nil {
		return err
	}
	for _, n := range names {
		if !slices.Contains(Known, n) {
			return errs.Field(field, "doctemplate.err.unknown", "name", n, "known", strings.Join(Known, ", "))
		}
	}
	return nil
}

// Fill puts values into body's placeholders. It reports, as a translated
// error on "values", the placeholders that have no value (all of them at
// once); a malformed body is an error on "body".
func Fill(body string, values map[string]string) (string, error) {
	var missing []string
	out, err := scan("body", body, func(name string) (string, bool) {
		v, ok := values[name]
		if !ok && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
		return v, ok
	})
	if err != nil {
		return "", err
	}
	if len(missing) > 0 {
		return "", errs.Field("values", "doctemplate.err.missing", "names", strings.Join(missing, ", "))
	}
	return out, nil
}

// scan walks body, calling put for every placeholder and writing what it
// returns in its place.
func scan(field, body string, put func(name string) (string, bool)) (string, error) {
	if !utf8.ValidString(body) {
		return "", errs.Field(field, "err.bad_text")
	}
	var b strings.Builder
	rest := body
	for {
		i := strings.Index(rest, "{{")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		b.WriteString(rest[:i])
		j := strings.Index(rest[i+2:], "}}")
		if j < 0 {
			return "", errs.Field(field, "doctemplate.err.unclosed", "at", snippet(rest[i:]))
		}
		name := strings.TrimSpace(rest[i+2 : i+2+j])
		if !validName(name) {
			return "", errs.Field(field, "doctemplate.err.bad_name", "name", snippet(name))
		}
		v, _ := put(name)
		b.WriteString(v)
		rest = rest[i+2+j+2:]
	}
}

func validName(s string) bool {
	if s == "" || len(s) > MaxName {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if part == "" || part[0] < 'a' || part[0] > 'z' {
			return false
		}
		for _, r := range part {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
				return false
			}
		}
	}
	return true
}

// snippet is the start of s, for an error message.
func snippet(s string) string {
	if utf8.RuneCountInString(s) <= 20 {
		return s
	}
	return string([]rune(s)[:20]) + "…"
}
