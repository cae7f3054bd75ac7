// Package namecheck checks the names people type in: of client organisations
// and contacts, venues and add-ons, users and departments, guests and the
// people on a case or a meeting. A name is trimmed and put in Unicode NFC
// (so that "é" typed as e + U+0301 and as U+00E9 are one name), and is
// refused when it holds a character that shows nothing or changes how the
// text around it is shown: bidirectional controls (U+202E makes
// "华信科技\u202e司公" read as another name), zero-width characters and
// other format characters, control characters, private-use and surrogate
// code points, line and paragraph separators, and the Hangul fillers that
// render blank.
package namecheck

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"jiedai/internal/errs"
)

// KeyInvisible is the message key for a name holding a refused character.
const KeyInvisible = "err.input.name_invisible"

// Clean returns s trimmed of surrounding white space and in NFC.
func Clean(s string) string {
	return strings.TrimSpace(norm.NFC.String(strings.TrimSpace(s)))
}

// Invisible returns the first character of s that a name may not hold.
func Invisible(s string) (rune, bool) {
	for _, r := range s {
		if refused(r) {
			return r, true
		}
	}
	return 0, false
}

func refused(r rune) bool {
	switch {
	case r == utf8.RuneError:
		return true
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Zl, unicode.Zp):
		return true
	}
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', // Hangul fillers
		'\u034F',                     // combining grapheme joiner
		'\u180E',                     // Mongolian vowel separator (was Cf)
		'\u2800',                     // Braille blank
		'\uFFF9', '\uFFFA', '\uFFFB': // interlinear annotation
		return true
	}
	return false
}

// Field cleans a name and adds KeyInvisible to l on field when it holds a
// refused character; for callers that check presence and length
// themselves. It returns the cleaned name, to store and compare.
func Field(l *errs.List, field, s string) string {
	s = Clean(s)
	if _, bad := Invisible(s); bad {
		l.Add(field, KeyInvisible)
	}
	return s
}

// Check is Field with presence and length: it adds to l what is wrong with
// the name on field (missing when required, longer than max characters,
// or holding a refused character) and returns the cleaned name.
func Check(l *errs.List, field, s string, required bool, max int) string {
	s = Clean(s)
	switch {
	case s == "":
		if required {
			l.Add(field, "err.required")
		}
	case utf8.RuneCountInString(s) > max:
		l.Add(field, "err.too_long", "max", max)
	default:
		Field(l, field, s)
	}
	return s
}
