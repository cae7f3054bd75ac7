// Package i18n holds the message catalogues (zh-Hans default, zh-Hant, en)
// and picks a language for a request. Catalogues are JSON files under
// locales/<lang>/<area>.json, flat maps of key to message; {name} marks a value.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
)

//go:embed locales
var localeFS embed.FS

// Languages, the first being the default.
const (
	ZhHans = "zh-Hans"
	ZhHant = "zh-Hant"
	En     = "en"
)

// Langs lists the supported languages, default first.
var Langs = []string{ZhHans, ZhHant, En}

// Bundle is every catalogue, loaded once.
type Bundle struct {
	msgs map[string]map[string]string
}

// Load reads the embedded catalogues.
func Load() (*Bundle, error) { return LoadFS(localeFS) }

// LoadFS reads catalogues from fsys (root holding locales/).
func LoadFS(fsys fs.FS) (*Bundle, error) {
	b := &Bundle{msgs: map[string]map[string]string{}}
	for _, lang := range Langs {
		m := map[string]string{}
		dir := path.Join("locales", lang)
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			return nil, fmt.Errorf("read catalogue %s: %w", lang, err)
		}
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
			if err != nil {
				return nil, fmt.Errorf("read %s/%s: %w", lang, e.Name(), err)
			}
			var part map[string]string
			if err := json.Unmarshal(data, &part); err != nil {
				return nil, fmt.Errorf("parse %s/%s: %w", lang, e.Name(), err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("catalogue %s: key %q defined twice", lang, k)
				}
				m[k] = v
			}
		}
		b.msgs[lang] = m
	}
	return b, nil
}

// Keys returns the sorted keys of a language's catalogue.
func (b *Bundle) Keys(lang string) []string {
	keys := make([]string, 0, len(b.msgs[lang]))
	for k := range b.msgs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether lang's catalogue has key.
func (b *Bundle) Has(lang, key string) bool { _, ok := b.msgs[lang][key]; return ok }

// T translates key into lang, filling {name} placeholders from args. A
// missing key falls back to zh-Hans, then to the key itself.
func (b *Bundle) T(lang, key string, args map[string]any) string {
	msg, ok := b.msgs[lang][key]
	if !ok {
		if msg, ok = b.msgs[ZhHans][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(msg, "{") {
		return msg
	}
	var sb strings.Builder
	for {
		i := strings.IndexByte(msg, '{')
		if i < 0 {
			sb.WriteString(msg)
			break
		}
		j := strings.IndexByte(msg[i:], '}')
		if j < 0 {
			sb.WriteString(msg)
			break
		}
		sb.WriteString(msg[:i])
		name := msg[i+1 : i+j]
		if v, ok := args[name]; ok {
			if inner, ok := v.(Msg); ok {
				sb.WriteString(b.T(lang, inner.Key, inner.Args))
			} else if list, ok := v.(List); ok {
				sep := "、"
				if lang == En {
					sep = ", "
				}
				for k, m := range list {
					if k > 0 {
						sb.WriteString(sep)
					}
					sb.WriteString(b.T(lang, m.Key, m.Args))
				}
			} else {
				sb.WriteString(fmt.Sprint(v))
			}
		} else {
			sb.WriteString(msg[i : i+j+1])
		}
		msg = msg[i+j+1:]
	}
	return sb.String()
}

// Msg is a message key with its values, usable as a value inside another
// message (it is translated in the same language).
type Msg struct {
	Key  string
	Args map[string]any
}

// List is several messages as one value, joined as the language lists
// things ("投影仪、话筒", "projector, microphone").
type List []Msg

// Localizer is a Bundle bound to one language; templates call its methods.
type Localizer struct {
	b    *Bundle
	Lang string
}

// For binds the bundle to a language (unknown languages become zh-Hans).
func (b *Bundle) For(lang string) *Localizer {
	if !Supported(lang) {
		lang = ZhHans
	}
	return &Localizer{b: b, Lang: lang}
}

// T translates key with optional name/value pairs.
func (l *Localizer) T(key string, pairs ...any) string {
	var args map[string]any
	if len(pairs) > 0 {
		args = make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			args[fmt.Sprint(pairs[i])] = pairs[i+1]
		}
	}
	return l.b.T(l.Lang, key, args)
}

// TArgs translates key with an argument map.
func (l *Localizer) TArgs(key string, args map[string]any) string { return l.b.T(l.Lang, key, args) }

// Colon follows a label: full-width in Chinese, ": " in English.
func (l *Localizer) Colon() string {
	if l.Lang == En {
		return ": "
	}
	return "："
}

// Paren puts s in parentheses as the language writes them: （s） in
// Chinese, " (s)" in English.
func (l *Localizer) Paren(s any) string {
	if l.Lang == En {
		return " (" + fmt.Sprint(s) + ")"
	}
	return "（" + fmt.Sprint(s) + "）"
}

// ListSep separates the items of a list: 、 in Chinese, ", " in English.
func (l *Localizer) ListSep() string {
	if l.Lang == En {
		return ", "
	}
	return "、"
}

// HTMLLang is the value for <html lang>.
func (l *Localizer) HTMLLang() string {
	switch l.Lang {
	case ZhHant:
		return "zh-Hant"
	case En:
		return "en"
	}
	return "zh-Hans"
}

// Supported reports whether lang is one of Langs.
func Supported(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Normalize maps a BCP 47 tag to a supported language, or "".
func Normalize(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case t == "":
		return ""
	case strings.HasPrefix(t, "zh-hant"), strings.HasPrefix(t, "zh-tw"), strings.HasPrefix(t, "zh-hk"), strings.HasPrefix(t, "zh-mo"):
		return ZhHant
	case strings.HasPrefix(t, "zh"):
		return ZhHans
	case strings.HasPrefix(t, "en"):
		return En
	}
	return ""
}

// Negotiate picks the language: the user's setting, then the lang cookie,
// then Accept-Language (in the client's order of preference), then zh-Hans.
func Negotiate(r *http.Request, userLang string) string {
	if Supported(userLang) {
		return userLang
	}
	if c, err := r.Cookie("lang"); err == nil && Supported(c.Value) {
		return c.Value
	}
	type pref struct {
		lang string
		q    float64
	}
	var prefs []pref
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, q := part, 1.0
		if i := strings.Index(part, ";"); i >= 0 {
			tag = part[:i]
			var f float64
			if _, err := fmt.Sscanf(strings.TrimSpace(part[i+1:]), "q=%g", &f); err == nil {
				q = f
			}
		}
		if l := Normalize(tag); l != "" {
			prefs = append(prefs, pref{l, q})
		}
	}
	sort.SliceStable(prefs, func(i, j int) bool { return prefs[i].q > prefs[j].q })
	if len(prefs) > 0 {
		return prefs[0].lang
	}
	return ZhHans
}

// Try translates key when the catalogue has it, and returns fallback
// otherwise (for open-ended codes such as audit actions).
func (l *Localizer) Try(key, fallback string) string {
	if l.b.Has(l.Lang, key) {
		return l.b.T(l.Lang, key, nil)
	}
	return fallback
}
