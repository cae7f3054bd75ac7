package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed" // the common-password list
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"jiedai/internal/errs"
)

// Argon2id parameters (RFC 9106 second recommendation, lighter memory).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 10 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user does not exist, so that the
// answer takes as long as for a real account.
var dummyHash, _ = HashPassword("jiedai-timing-equaliser")

// Password rules: the length bounds, and the minimum length of a user name
// that a password may not contain (a two-letter name such as "li" would
// otherwise refuse a great many good passwords).
const (
	MinPasswordLen         = 10
	MaxPasswordLen         = 256
	minContainedNameLength = 3
)

// commonPasswords is the bundled list of common passwords, lower case, one
// a line (see common_passwords.txt for its source and licence).
//
//go:embed common_passwords.txt
var commonPasswords string

// isCommonPassword reports whether pw, in lower case, is on the list.
func isCommonPassword(pw string) bool {
	return strings.Contains(commonPasswords, "\n"+strings.ToLower(pw)+"\n")
}

// checkNewPassword refuses a weak password for the account username: too
// short or too long, only spaces, equal to or containing the user name, or
// a common one. field names the form field in the error.
func checkNewPassword(field, username, pw string) error {
	n := utf8.RuneCountInString(pw)
	lower, name := strings.ToLower(pw), strings.ToLower(strings.TrimSpace(username))
	switch {
	case n > MaxPasswordLen:
		return errs.Field(field, "err.too_long", "max", MaxPasswordLen)
	case strings.TrimSpace(pw) == "" && n > 0:
		return errs.Field(field, "err.password_blank")
	case n < MinPasswordLen:
		return errs.Field(field, "err.password_short", "min", MinPasswordLen)
	case name != "" && (lower == name || (utf8.RuneCountInString(name) >= minContainedNameLength && strings.Contains(lower, name))):
		return errs.Field(field, "err.password_has_username")
	case isCommonPassword(pw):
		return errs.Field(field, "err.password_common")
	}
	return nil
}
