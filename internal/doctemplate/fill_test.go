package doctemplate_test

import (
	"strings"
	"testing"

	"jiedai/internal/doctemplate"
	"jiedai/internal/errs"
)

func TestFill(t *testing.T) {
	cases := []struct {
		name, body string
		values     map[string]string
		want, key  string
	}{
		{"plain", "致 {{org.name}}：贵司单元 {{ unit.code }} 已交付。", map[string]string{"org.name": "华信", "unit.code": "12F-03"}, "致 华信：贵司单元 12F-03 已交付。", ""},
		{"twice", "{{person.name}}/{{person.name}}", map[string]string{"person.name": "张伟"}, "张伟/张伟", ""},
		{"value not expanded again", "{{org.name}}", map[string]string{"org.name": "{{unit.code}}"}, "{{unit.code}}", ""},
		{"no placeholders", "本协议一式两份。}}", nil, "本协议一式两份。}}", ""},
		{"missing", "{{org.name}} {{unit.code}} {{org.name}}", map[string]string{}, "", "doctemplate.err.missing"},
		{"unclosed", "致 {{org.name", nil, "", "doctemplate.err.unclosed"},
		{"bad name", "{{Org Name}}", nil, "", "doctemplate.err.bad_name"},
		{"empty name", "{{ }}", nil, "", "doctemplate.err.bad_name"},
		{"dot at end", "{{org.}}", nil, "", "doctemplate.err.bad_name"},
		{"not utf-8", "\xff", nil, "", "err.bad_text"},
	}
	for _, c := range cases {
		got, err := doctemplate.Fill(c.body, c.values)
		if c.key != "" {
			if errs.As(err).Key != c.key {
				t.Errorf("%s: got %q %v, want %s", c.name, got, err, c.key)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %q %v, want %q", c.name, got, err, c.want)
		}
	}
	_, err := doctemplate.Fill("{{org.name}} {{unit.code}} {{org.name}}", nil)
	if e := errs.As(err); e.Field != "values" || e.Args["names"] != "org.name, unit.code" {
		t.Errorf("missing names: %+v", e)
	}
}

func TestCheck(t *testing.T) {
	if err := doctemplate.Check("body_zh_hans", "{{org.name}} {{date.today}}"); err != nil {
		t.Fatal(err)
	}
	err := doctemplate.Check("body_en", "Dear {{org.name}}, {{org.ceo}}")
	if e := errs.As(err); e.Key != "doctemplate.err.unknown" || e.Field != "body_en" || e.Args["name"] != "org.ceo" {
		t.Fatalf("unknown placeholder: %+v", e)
	}
}

// FuzzFill: any body and value either fills or gives a field error, and a
// filled body holds no placeholder that was in it.
func FuzzFill(f *testing.F) {
	for _, s := range []string{"致 {{org.name}}", "{{", "}}{{", "{{a.b}}{{c}}", "{{ unit.code }}x", "{{\xff}}", "{{org.name}"} {
		f.Add(s, "值")
	}
	f.Fuzz(func(t *testing.T, body, v string) {
		names, perr := doctemplate.Placeholders("body", body)
		vals := map[string]string{}
		for _, n := range names {
			vals[n] = v
		}
		out, err := doctemplate.Fill(body, vals)
		if (perr == nil) != (err == nil) {
			t.Fatalf("Placeholders %v but Fill %v", perr, err)
		}
		if err != nil {
			if e := errs.As(err); e.Kind != errs.Invalid || e.Field == "" {
				t.Fatalf("not a field error: %v", err)
			}
			return
		}
		if !strings.Contains(v, "{{") && len(names) > 0 && strings.Contains(out, "{{"+names[0]+"}}") {
			t.Fatalf("placeholder left in %q", out)
		}
	})
}
