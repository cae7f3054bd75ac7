package client

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// cjkSuffixes are legal-form endings left out when comparing names, so that
// "华信科技有限公司" and "华信科技" are recognised as one organisation.
// Longer endings come first.
var cjkSuffixes = []string{
	"股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团公司", "集團公司", "集团", "集團", "公司",
}

// latinSuffixes are legal-form words dropped from the end of a name.
var latinSuffixes = []string{"co", "ltd", "limited", "inc", "corp", "corporation", "company", "llc", "plc", "gmbh"}

// Key normalises an organisation name for finding duplicates: put in NFC
// (as namecheck.Clean does), full-width characters folded, letters lower-cased,
// spaces, punctuation and invisible characters dropped and legal-form
// endings removed. It is idempotent.
func Key(name string) string {
	s := strings.ToLower(width.Fold.String(norm.NFC.String(name)))
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for len(words) > 1 && slices.Contains(latinSuffixes, words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	k := strings.Join(words, "")
	for changed := true; changed; {
		changed = false
		for _, suf := range cjkSuffixes {
			if strings.HasSuffix(k, suf) && len(k) > len(suf) {
				k = strings.TrimSuffix(k, suf)
				changed = true
			}
		}
	}
	return k
}
