package ics

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxLineOctets is the RFC 5545 §3.1 limit for one physical content line,
// excluding the CRLF.
const maxLineOctets = 75

// writeFolded writes one logical content line to b, folded so that no
// physical line exceeds 75 octets (the leading space of a continuation line
// counts), never splitting a UTF-8 sequence, and terminated by CRLF.
// line must be valid UTF-8.
func writeFolded(b *bytes.Buffer, line string) {
	limit := maxLineOctets
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		if cut == 0 { // not reachable for valid UTF-8; never loop forever
			cut = limit
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLineOctets - 1
	}
	b.WriteString(line)
	b.WriteString("\r\n")
}

// escapeText encodes s as an RFC 5545 TEXT value. Invalid UTF-8 becomes
// U+FFFD; CRLF, CR and LF become \n; backslash, semicolon and comma are
// backslash-escaped; other ASCII control characters except HTAB, which TEXT
// does not allow, are dropped.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == ';':
			b.WriteString(`\;`)
		case c == ',':
			b.WriteString(`\,`)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteByte(c)
		case c < 0x20 || c == 0x7f:
			// Dropped: not allowed in TEXT.
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// checkRaw reports an error if s cannot appear verbatim in a non-TEXT value
// (URI, CAL-ADDRESS): it must be valid UTF-8 without control characters or
// spaces.
func checkRaw(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", what)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == ' ' {
			return fmt.Errorf("%s contains a space or control character", what)
		}
	}
	return nil
}

// paramValue encodes s as a property parameter value (RFC 5545 §3.1),
// quoting it when it contains ':', ';' or ','. Double quotes, which cannot
// be represented, are removed, as are control characters.
func paramValue(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '"' || (r < 0x20 && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}
